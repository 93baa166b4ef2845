import { essence, isJsonMedia, matchMediaType } from './media-type.js';
import { isObject } from './pointer.js';
import { schemaTypes } from './schema-props.js';
import type { JsonSchema, Operation, ResponseSpec, ResponseToValidate, SpecIssue } from './types.js';
import type { Validators } from './validator.js';

/** Most issues kept for one response: past that, more detail does not help a reader. */
export const MAX_ISSUES = 20;

/** Picks the documented response for a status: exact, then its range (2XX), then default. */
export function responseFor(op: Operation, status: number): ResponseSpec | undefined {
  const exact = String(status);
  const range = `${Math.floor(status / 100)}XX`;
  return (
    op.responses.find((r) => r.status === exact) ??
    op.responses.find((r) => r.status.toUpperCase() === range) ??
    op.responses.find((r) => r.status === 'default')
  );
}

/** Validates status, headers, content type and body of a response against an operation. */
export function validateResponse(
  op: Operation,
  res: ResponseToValidate,
  validators: Validators,
  resolve: (schema: JsonSchema) => JsonSchema,
): SpecIssue[] {
  const spec = responseFor(op, res.status);
  if (!spec) {
    const documented = op.responses.map((r) => r.status).join(', ') || 'none';
    return [
      {
        code: 'status.undocumented',
        message: `status ${res.status} is not documented for ${op.id} (documented: ${documented})`,
        pointer: 'status',
        expected: documented,
        actual: String(res.status),
      },
    ];
  }
  const issues: SpecIssue[] = [];
  headers(spec, res, validators, resolve, issues);
  body(op, spec, res, validators, resolve, issues);
  return issues.slice(0, MAX_ISSUES);
}

function headers(
  spec: ResponseSpec,
  res: ResponseToValidate,
  validators: Validators,
  resolve: (schema: JsonSchema) => JsonSchema,
  issues: SpecIssue[],
): void {
  for (const name in spec.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-type') continue; // OpenAPI: a Content-Type header definition is ignored
    const header = spec.headers[name];
    if (!header) continue;
    const raw = res.headers[lower];
    if (raw === undefined) {
      if (header.required) {
        issues.push({
          code: 'header.missing',
          message: `missing required response header ${name}`,
          pointer: `header:${name}`,
          expected: `header ${name}`,
          actual: 'nothing',
        });
      }
      continue;
    }
    if (header.schema === undefined) continue;
    const value = coerce(raw, header.schema, resolve);
    for (const issue of validators.validate(header.schema, value, 'response', `header:${name}`)) {
      issues.push({
        ...issue,
        code: 'header.schema',
        message: `header ${name}: ${issue.message.replace(/ at header:.*$/, '')}`,
      });
    }
  }
}

function body(
  op: Operation,
  spec: ResponseSpec,
  res: ResponseToValidate,
  validators: Validators,
  resolve: (schema: JsonSchema) => JsonSchema,
  issues: SpecIssue[],
): void {
  const documented = Object.keys(spec.content);
  if (documented.length === 0) return; // nothing documented: any body is accepted
  if (res.body === '') {
    const wantsBody = documented.some((m) => spec.content[m]?.schema !== undefined);
    if (wantsBody && res.status !== 204 && res.status !== 304 && op.method !== 'HEAD') {
      issues.push({
        code: 'body.missing',
        message: `the response has no body, but ${op.id} documents one for status ${spec.status}`,
        pointer: '',
        expected: documented.join(' or '),
        actual: 'empty body',
      });
    }
    return;
  }
  const contentType = res.headers['content-type'];
  const media = contentType === undefined ? undefined : matchMediaType(documented, contentType);
  if (media === undefined) {
    issues.push({
      code: 'content-type.undocumented',
      message:
        contentType === undefined
          ? `the response has a body but no Content-Type (documented: ${documented.join(', ')})`
          : `content type ${essence(contentType)} is not documented for status ${spec.status} (documented: ${documented.join(', ')})`,
      pointer: 'header:Content-Type',
      expected: documented.join(' or '),
      actual: contentType === undefined ? 'nothing' : essence(contentType),
    });
    return;
  }
  const schema = spec.content[media]?.schema;
  let value: unknown;
  if (isJsonMedia(contentType ?? '')) {
    try {
      value = parseJson(res);
    } catch (error) {
      issues.push({
        code: 'body.invalid-json',
        message: `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        pointer: '',
        expected: 'JSON',
        actual: `text starting ${JSON.stringify(res.body.slice(0, 30))}`,
      });
      return;
    }
  } else if (essence(contentType ?? '').startsWith('text/') && !isXml(contentType ?? '')) {
    // Text is validated as a string: a schema describing another shape (an object for text/csv rows)
    // describes what the text encodes, which is not read here.
    if (schema === undefined || !allowsString(resolve(schema))) return;
    value = res.body;
  } else return; // binary, XML (text/xml included: a JSON Schema for XML describes its mapping)...
  if (schema === undefined) return;
  issues.push(...validators.validate(schema, value, 'response'));
}

/**
 * The body as JSON: the caller's cached parse when it has one, else parsed here. An invalid body is
 * reported with JSON.parse's own reason (the caller's error may word it for another audience).
 */
function parseJson(res: ResponseToValidate): unknown {
  if (res.json !== undefined) {
    try {
      return res.json();
    } catch {
      // fall through: JSON.parse below throws the reason the finding quotes
    }
  }
  return JSON.parse(res.body);
}

function isXml(contentType: string): boolean {
  return /[/+]xml$/i.test(essence(contentType));
}

/** Whether a schema can describe a string (no `type`, or one that includes it). */
function allowsString(schema: JsonSchema): boolean {
  const types = schemaTypes(schema);
  return types.length === 0 || types.includes('string');
}

/** Header values are text: turn them into what the header's schema expects before validating. */
function coerce(raw: string, schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): unknown {
  const s = resolve(schema);
  if (!isObject(s)) return raw;
  const types = schemaTypes(s);
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(raw.trim());
    return raw.trim() !== '' && !Number.isNaN(n) ? n : raw;
  }
  if (types.includes('boolean')) return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (types.includes('array')) {
    const items = isObject(s.items) ? (s.items as JsonSchema) : undefined;
    return raw.split(',').map((part) => (items ? coerce(part.trim(), items, resolve) : part.trim()));
  }
  return raw;
}
