import { isJsonMedia, matchMediaType } from '../openapi/media-type.js';
import { isObject } from '../openapi/pointer.js';
import type { ApiSpec, JsonSchema, Operation, Parameter } from '../openapi/types.js';

/** A request problem: where ("path:id", "query:limit", "header:x-a", a JSON pointer in the body) and what. */
export interface ConformanceIssue {
  pointer: string;
  message: string;
}

/** The parts of a request the conformance check reads. */
export interface RequestToCheck {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const MAX_ISSUES = 20;

/** Validates a request against its operation: parameters (required, schema) and body (media type, schema). */
export function requestConformance(spec: ApiSpec, op: Operation, req: RequestToCheck): ConformanceIssue[] {
  const issues: ConformanceIssue[] = [];
  for (const param of op.parameters) {
    if (param.in === 'cookie') continue;
    const raw = rawValues(param, req);
    const where = `${param.in}:${param.name}`;
    if (raw.length === 0) {
      if (param.required)
        issues.push({ pointer: where, message: `required ${param.in} parameter is missing` });
      continue;
    }
    if (param.schema === undefined) continue;
    const value = coerce(spec, param.schema, raw, param);
    for (const issue of spec.validateValue(param.schema, value, 'request')) {
      issues.push({ pointer: where + (issue.pointer === '' ? '' : issue.pointer), message: issue.message });
    }
  }
  issues.push(...bodyIssues(spec, op, req));
  return issues.slice(0, MAX_ISSUES);
}

function rawValues(param: Parameter, req: RequestToCheck): string[] {
  if (param.in === 'path') {
    const v = req.pathParams[param.name];
    return v === undefined ? [] : [v];
  }
  if (param.in === 'query') return req.query.getAll(param.name);
  const h = req.headers[param.name.toLowerCase()];
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

function typeOf(spec: ApiSpec, schema: JsonSchema): string | undefined {
  const s = spec.resolve(schema);
  if (!isObject(s)) return undefined;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === 'string' && t !== 'null');
  return undefined;
}

/** Parameters arrive as text: read them as the schema's type before validating (an id "42" is an integer). */
function coerce(spec: ApiSpec, schema: JsonSchema, raw: string[], param: Parameter): unknown {
  const type = typeOf(spec, schema);
  if (type === 'array') {
    const resolved = spec.resolve(schema);
    const items = isObject(resolved) && resolved.items !== undefined ? (resolved.items as JsonSchema) : true;
    const style = param.style ?? (param.in === 'query' ? 'form' : 'simple');
    const sep = style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : ',';
    const parts = raw.length > 1 ? raw : (raw[0] ?? '').split(sep);
    return parts.map((p) => scalar(spec, items, p));
  }
  return scalar(spec, schema, raw[0] ?? '');
}

function scalar(spec: ApiSpec, schema: JsonSchema, text: string): unknown {
  switch (typeOf(spec, schema)) {
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'object':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

function bodyIssues(spec: ApiSpec, op: Operation, req: RequestToCheck): ConformanceIssue[] {
  const rb = op.requestBody;
  if (req.body.length === 0) {
    return rb?.required ? [{ pointer: 'body', message: 'the request body is required' }] : [];
  }
  if (!rb) return [];
  const contentType = String(req.headers['content-type'] ?? '');
  const documented = Object.keys(rb.content);
  if (documented.length === 0) return [];
  if (contentType === '')
    return [{ pointer: 'header:content-type', message: 'a body without a Content-Type' }];
  const media = matchMediaType(documented, contentType);
  if (media === undefined) {
    return [
      {
        pointer: 'header:content-type',
        message: `${contentType} is not a documented request media type (${documented.join(', ')})`,
      },
    ];
  }
  const schema = rb.content[media]?.schema;
  if (!isJsonMedia(contentType) || schema === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    return [{ pointer: 'body', message: 'the body is not valid JSON' }];
  }
  return spec
    .validateValue(schema, value, 'request')
    .map((i) => ({ pointer: i.pointer, message: i.message }));
}
