import { essence, isJsonMedia, preferredMediaType } from './media-type.js';
import { queryValue, serialize } from './param-serialize.js';
import { isObject } from './pointer.js';
import { keyConditions } from './router.js';
import { propertyNames } from './schema-props.js';
import type { GeneratedRequest, GenerateOptions, JsonSchema, Operation, Parameter } from './types.js';

/** What request generation needs from the spec. */
export interface RequestSampler {
  sample(
    schema: JsonSchema,
    options: { seed: number; direction: 'request'; includeOptional: boolean },
  ): unknown;
  resolve(schema: JsonSchema): JsonSchema;
}

/**
 * Builds a request for an operation. Values come, in order, from `known` (same name), examples,
 * defaults, then the generator. Path parameter values are not percent-encoded (see fillPath).
 */
export function generateRequest(
  op: Operation,
  options: GenerateOptions,
  sampler: RequestSampler,
): GeneratedRequest {
  const known = options.known ?? {};
  const preferExamples = options.preferExamples ?? true;
  const includeOptional = options.includeOptional ?? false;
  const out: GeneratedRequest = { pathParams: {}, query: {}, headers: {}, sources: {} };
  const cookies: string[] = [];
  op.parameters.forEach((param, index) => {
    const schema = param.schema ?? { type: 'string' };
    const resolved = sampler.resolve(schema);
    const hasDefault = isObject(resolved) && 'default' in resolved;
    const hasExample = param.examples.length > 0 || (isObject(resolved) && Array.isArray(resolved.examples));
    const wanted =
      param.required || includeOptional || Object.hasOwn(known, param.name) || hasExample || hasDefault;
    if (!wanted) return;
    const { value, source } = pick(param, resolved, known, preferExamples, () =>
      sampler.sample(schema, { seed: options.seed + index + 1, direction: 'request', includeOptional }),
    );
    const label = `${param.in}:${param.name}`;
    out.sources[label] = source;
    switch (param.in) {
      case 'path':
        out.pathParams[param.name] = serialize(value, ',');
        break;
      case 'query':
        out.query[param.name] = queryValue(param, value);
        break;
      case 'header':
        out.headers[param.name] = serialize(value, ',');
        break;
      case 'cookie':
        cookies.push(`${param.name}=${encodeURIComponent(serialize(value, ','))}`);
        break;
    }
  });
  if (cookies.length > 0) out.headers.Cookie = cookies.join('; ');
  const body = op.requestBody;
  if (
    body &&
    (body.required || includeOptional || Object.values(body.content).some((m) => m.examples.length > 0))
  ) {
    const media = preferredMediaType(Object.keys(body.content));
    const mt = media === undefined ? undefined : body.content[media];
    if (media !== undefined && mt) {
      let value: unknown;
      if (preferExamples && mt.examples.length > 0) {
        value = structuredClone(mt.examples[0]?.value);
        out.sources.body = 'example';
      } else if (mt.schema !== undefined) {
        value = sampler.sample(mt.schema, { seed: options.seed, direction: 'request', includeOptional });
        out.sources.body = 'generated';
      } else {
        value = '';
        out.sources.body = 'generated';
      }
      if (isObject(value) && mt.schema !== undefined) {
        for (const name of propertyNames(mt.schema, (x) => sampler.resolve(x))) {
          if (!Object.hasOwn(known, name)) continue;
          value[name] = known[name];
          out.sources[`body:/${name}`] = 'known';
        }
      }
      out.contentType = media === '*/*' ? 'application/octet-stream' : media;
      out.body = encodeBody(essence(media), value);
    }
  }
  return out;
}

/** Fills a path template with (percent-encoded) parameter values. */
export function fillPath(template: string, pathParams: Record<string, string>): string {
  return template.replace(/\{([^{}]+)\}/g, (m, name: string) =>
    pathParams[name] === undefined ? m : encodeURIComponent(pathParams[name] as string),
  );
}

/**
 * The values a path key names after "#" that no parameter declares (APIs.guru's conversions write there
 * the query an operation is told apart by: Azure's "/v2/{name}/blobs/uploads/#mode=resumable"). A
 * fragment is never sent, so they belong in the query; a declared one (AWS's X-Amz-Target header) is
 * generated as its parameter.
 */
export function pathKeyQuery(op: Operation): Record<string, string> {
  const hash = op.path.indexOf('#');
  if (hash === -1) return {};
  const declared = new Set(op.parameters.map((p) => p.name.toLowerCase()));
  const query: Record<string, string> = {};
  for (const [name, value] of keyConditions(op.path.slice(hash + 1)))
    if (value !== undefined && !declared.has(name.toLowerCase())) query[name] = value;
  return query;
}

function pick(
  param: Parameter,
  schema: JsonSchema,
  known: Record<string, unknown>,
  preferExamples: boolean,
  generate: () => unknown,
): { value: unknown; source: string } {
  if (Object.hasOwn(known, param.name)) return { value: known[param.name], source: 'known' };
  if (preferExamples) {
    if (param.examples.length > 0) return { value: param.examples[0]?.value, source: 'example' };
    if (isObject(schema) && Array.isArray(schema.examples) && schema.examples.length > 0) {
      return { value: schema.examples[0], source: 'example' };
    }
  }
  if (isObject(schema) && 'default' in schema) return { value: schema.default, source: 'default' };
  return { value: generate(), source: 'generated' };
}

function encodeBody(media: string, value: unknown): unknown {
  if (isJsonMedia(media) || media === 'multipart/form-data') return value;
  if (media === 'application/x-www-form-urlencoded' && isObject(value)) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v)) for (const item of v) params.append(k, serialize(item, ','));
      else params.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : serialize(v, ','));
    }
    return params.toString();
  }
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
