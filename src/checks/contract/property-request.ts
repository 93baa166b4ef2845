import fc from 'fast-check';
import { propertyNames, queryValue, serialize } from '../../openapi/index.js';
import { preferredMediaType } from '../../openapi/media-type.js';
import { isObject } from '../../openapi/pointer.js';
import type { ApiSpec, GeneratedRequest, JsonSchema, Operation, Parameter } from '../../openapi/types.js';
import { optionalFirst, schemaArbitrary, UNSATISFIABLE } from './arbitrary.js';

/** The values of one request before serialisation: parameters by "in:name", and the body. */
export interface RequestValues {
  params: Record<string, unknown>;
  body?: unknown;
}

/** The parts of the operation a request arbitrary draws from, with their schemas. */
export interface RequestShape {
  params: { key: string; param: Parameter; schema: JsonSchema }[];
  /** The media type sent and its schema, when the operation takes a body. */
  body?: { media: string; schema: JsonSchema };
}

/** Which parameters and which body media type a generated request for the operation uses. */
export function requestShape(op: Operation): RequestShape {
  const params = op.parameters.map((param) => ({
    key: `${param.in}:${param.name}`,
    param,
    schema: param.schema ?? { type: 'string' },
  }));
  const content = op.requestBody?.content ?? {};
  const media = preferredMediaType(Object.keys(content));
  const schema = media === undefined ? undefined : content[media]?.schema;
  return { params, ...(media !== undefined && { body: { media, schema: schema ?? {} } }) };
}

/**
 * An arbitrary of request values: required parameters always, optional ones as optional keys (so
 * shrinking drops them), `known` values (captured ids) fixed, the body from its schema.
 */
export function requestArbitrary(
  shape: RequestShape,
  spec: Pick<ApiSpec, 'resolve' | 'sample'>,
  known: Record<string, unknown>,
): fc.Arbitrary<RequestValues> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required = new Set<string>();
  for (const { key, param, schema } of shape.params) {
    const fixed = Object.hasOwn(known, param.name);
    // A cursor or page token is issued by the API: a made-up one is rightly refused, so only
    // a captured value is sent.
    if (!fixed && !param.required && ISSUED_BY_API.test(param.name)) continue;
    model[key] = fixed
      ? fc.constant(known[param.name])
      : param.in === 'path'
        ? pathValues(schemaArbitrary(schema, spec))
        : schemaArbitrary(schema, spec);
    if (param.required || fixed || param.in === 'path') required.add(key);
  }
  const params = withFewOptional(model, required);
  if (!shape.body) return params.map((p) => ({ params: p }));
  const bodyNames = new Set(
    isObject(spec.resolve(shape.body.schema)) ? propertyNames(shape.body.schema, (x) => spec.resolve(x)) : [],
  );
  return fc.tuple(params, schemaArbitrary(shape.body.schema, spec)).map(([p, body]) => {
    if (!isObject(body)) return { params: p, body };
    // A copy: fast-check keeps generated values for shrinking and they must not change under it.
    const withKnown = { ...body };
    for (const name of bodyNames) if (Object.hasOwn(known, name)) withKnown[name] = known[name];
    return { params: p, body: withKnown };
  });
}

/**
 * A path segment that would reach another route: empty or a dot segment ("/orders/" or "/orders/.." is
 * not /orders/{id}). Path values are drawn without them, not drawn and then thrown away with the
 * whole request.
 */
const ANOTHER_ROUTE = /^\.{0,2}$/;

/**
 * An arbitrary's values that fit a path segment. When its first 50 draws hold none (Jellyfin's plugin
 * `version`: an object whose properties are all readOnly, so `{}` in a request, an empty segment), it is
 * left unfiltered — fast-check's filter would draw forever — and the requests it makes are refused before
 * sending (invalidPart), which the coverage notes say.
 */
function pathValues(arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const fits = (v: unknown) => !ANOTHER_ROUTE.test(serialize(v, ','));
  const some =
    fc.sample(arb, { numRuns: 3, seed: 1 }).some(fits) || fc.sample(arb, { numRuns: 50, seed: 2 }).some(fits);
  return some ? arb.filter(fits) : arb;
}

/**
 * Optional parameters one request may carry. Some operations document hundreds (gsmtasks.com's
 * task_exports_list has 582 filters): drawing each with even odds made URLs servers refuse (431), a
 * request no real client sends. A subset of at most this many is drawn instead (shrinking toward none).
 */
const MAX_OPTIONAL_PARAMS = 12;

function withFewOptional(
  model: Record<string, fc.Arbitrary<unknown>>,
  required: ReadonlySet<string>,
): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.keys(model).filter((k) => !required.has(k));
  if (optional.length <= MAX_OPTIONAL_PARAMS) return optionalFirst(model, required);
  return fc.subarray(optional, { maxLength: MAX_OPTIONAL_PARAMS }).chain((chosen) => {
    const keep = new Set(chosen);
    const subset = Object.fromEntries(Object.entries(model).filter(([k]) => required.has(k) || keep.has(k)));
    return optionalFirst(subset, required);
  });
}

/** Names of optional parameters whose values only the API can issue (opaque paging tokens). */
const ISSUED_BY_API = /cursor|page_?token|continuation|^(starting_after|ending_before)$/i;

/** The first part of the values the spec does not accept, or undefined when all are valid. */
export function invalidPart(
  shape: RequestShape,
  values: RequestValues,
  spec: Pick<ApiSpec, 'conforms'>,
): string | undefined {
  if (!usable(values)) return 'an unsatisfiable value';
  for (const { key, param, schema } of shape.params) {
    if (!Object.hasOwn(values.params, key)) continue;
    if (param.in === 'path' && ANOTHER_ROUTE.test(serialize(values.params[key], ','))) return key;
    if (!spec.conforms(schema, values.params[key], 'request')) return key;
  }
  if (shape.body && !spec.conforms(shape.body.schema, values.body, 'request')) return 'body';
  return undefined;
}

/** The values as a request ready for toHttpRequest (parameters serialised in their style). */
export function toGenerated(shape: RequestShape, values: RequestValues): GeneratedRequest {
  const out: GeneratedRequest = { pathParams: {}, query: {}, headers: {}, sources: {} };
  const cookies: string[] = [];
  for (const { key, param } of shape.params) {
    if (!Object.hasOwn(values.params, key)) continue;
    const value = values.params[key];
    out.sources[key] = 'generated';
    if (param.in === 'path') out.pathParams[param.name] = serialize(value, ',');
    else if (param.in === 'query') out.query[param.name] = queryValue(param, value);
    else if (param.in === 'header') out.headers[param.name] = serialize(value, ',');
    else cookies.push(`${param.name}=${encodeURIComponent(serialize(value, ','))}`);
  }
  if (cookies.length > 0) out.headers.Cookie = cookies.join('; ');
  if (shape.body) {
    out.contentType = shape.body.media === '*/*' ? 'application/octet-stream' : shape.body.media;
    out.body = values.body;
    out.sources.body = 'generated';
  }
  return out;
}

/** No placeholder of an unsatisfiable schema and no non-finite number anywhere in the value. */
function usable(value: unknown): boolean {
  if (value === UNSATISFIABLE) return false;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(usable);
  if (isObject(value)) return Object.values(value).every(usable);
  return true;
}
