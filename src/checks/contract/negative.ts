import type { HttpRequest } from '../../http/types.js';
import { schemaTypes } from '../../openapi/index.js';
import type { ApiSpec, JsonSchema, Operation } from '../../openapi/types.js';

/** A request that breaks one documented constraint: the API must answer 4xx, never 2xx or 5xx. */
export interface NegativeCase {
  /** What was broken, for messages: "amount above its maximum 1000000". */
  what: string;
  /** Where: "body:/amount", "query:limit", "header:Idempotency-Key", "body", "content-type". */
  where: string;
  request: HttpRequest;
}

type Schema = Record<string, unknown>;

const NOT_IN_ENUM = 'gangway-not-in-enum';

/** Builds up to `max` negative cases from a valid request, one broken constraint each. */
export function negativeCases(op: Operation, spec: ApiSpec, valid: HttpRequest, max = 12): NegativeCase[] {
  const cases: NegativeCase[] = [];
  for (const p of op.parameters) {
    if (p.in !== 'query' && p.in !== 'header') continue;
    if (p.required) cases.push(omitParameter(valid, p.in, p.name));
    const schema = p.schema === undefined ? undefined : object(spec.resolve(p.schema));
    const broken = schema ? breakScalar(schema) : undefined;
    if (broken) cases.push(setParameter(valid, p.in, p.name, String(broken.value), broken.what));
  }
  const body = valid.body;
  const contentType = valid.headers?.['content-type'] ?? '';
  if (typeof body === 'string' && FORM.test(contentType)) {
    // A form body (OpenAPI 3 x-www-form-urlencoded, Swagger 2.0 formData): the same constraints as JSON.
    const schema = bodySchema(op, spec, FORM);
    if (schema) cases.push(...bodyCases(spec, schema, valid, parseForm(body), encodeForm));
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && /json/i.test(contentType)) {
    const schema = bodySchema(op, spec, /json/i);
    if (schema) cases.push(...bodyCases(spec, schema, valid, body as Record<string, unknown>));
    cases.push({
      what: 'a malformed JSON body',
      where: 'body',
      request: { ...valid, body: '{"gangway": ' },
    });
    if (!Object.keys(op.requestBody?.content ?? {}).some((m) => /^(text\/plain|\*\/\*|text\/\*)/i.test(m))) {
      cases.push({
        what: 'an undocumented content type (text/plain)',
        where: 'header:Content-Type',
        request: {
          ...valid,
          headers: { ...valid.headers, 'content-type': 'text/plain' },
          body: JSON.stringify(body),
        },
      });
    }
  }
  return cases.slice(0, max);
}

/**
 * Cases breaking one constraint of a body each. `encode` turns the changed fields into the body sent;
 * without it the body is JSON, where a number is not a string (in a form, every value is a string).
 */
function bodyCases(
  spec: ApiSpec,
  schema: Schema,
  valid: HttpRequest,
  body: Record<string, unknown>,
  encode?: (fields: Record<string, unknown>) => string,
): NegativeCase[] {
  const cases: NegativeCase[] = [];
  const { properties, required, closed } = shape(spec, schema);
  const with_ = (changed: Record<string, unknown>, what: string, where: string): NegativeCase => ({
    what,
    where,
    request: { ...valid, body: encode ? encode(changed) : changed },
  });
  for (const name of required.slice(0, 3)) {
    if (!(name in body)) continue;
    const { [name]: _, ...rest } = body;
    cases.push(with_(rest, `the required property ${name} missing`, `body:/${name}`));
  }
  for (const [name, raw] of Object.entries(properties)) {
    const prop = object(spec.resolve(raw));
    if (!prop || prop.readOnly === true) continue;
    const wrong = wrongType(prop);
    if (wrong !== undefined && !(encode && typeof wrong.value === 'number'))
      cases.push(with_({ ...body, [name]: wrong.value }, `${name} ${wrong.what}`, `body:/${name}`));
    const broken = breakScalar(prop);
    if (broken)
      cases.push(with_({ ...body, [name]: broken.value }, `${name} ${broken.what}`, `body:/${name}`));
  }
  if (closed) {
    cases.push(
      with_(
        { ...body, gangwayUnexpected: true },
        'an undeclared property where additionalProperties is false',
        'body:/gangwayUnexpected',
      ),
    );
  }
  return cases;
}

/** Properties and required names of an object schema, merging allOf members one level deep. */
function shape(spec: ApiSpec, schema: Schema) {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  let closed = schema.additionalProperties === false;
  const members = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf : [])];
  for (const member of members) {
    const m = object(spec.resolve(member as JsonSchema));
    if (!m) continue;
    if (m.properties && typeof m.properties === 'object') Object.assign(properties, m.properties);
    if (Array.isArray(m.required))
      required.push(...m.required.filter((r): r is string => typeof r === 'string'));
    if (m !== schema && m.additionalProperties === false) closed = false; // allOf members cannot close the union
  }
  return { properties, required: [...new Set(required)], closed };
}

function bodySchema(op: Operation, spec: ApiSpec, mediaPattern: RegExp): Schema | undefined {
  const content = op.requestBody?.content ?? {};
  const media = Object.keys(content).find((m) => mediaPattern.test(m));
  const schema = media ? content[media]?.schema : undefined;
  return schema === undefined ? undefined : object(spec.resolve(schema));
}

const FORM = /application\/x-www-form-urlencoded/i;

/** The fields of a form body; a repeated name becomes an array. */
function parseForm(body: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = fields[name];
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}

function encodeForm(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  return params.toString();
}

/** A value of a type the schema does not allow, when the schema says which types it allows. */
function wrongType(schema: Schema): { value: unknown; what: string } | undefined {
  const types = schemaTypes(schema);
  if (types.length === 0 || schema.enum !== undefined || schema.const !== undefined) return undefined;
  if (!types.includes('string'))
    return { value: 'gangway-not-a-number', what: `a string where ${types.join(' or ')} is expected` };
  if (!types.includes('integer') && !types.includes('number'))
    return { value: 12345, what: 'a number where a string is expected' };
  return undefined;
}

/** A value of the right type that breaks one constraint: enum, bounds, lengths, pattern. */
function breakScalar(schema: Schema): { value: unknown; what: string } | undefined {
  const types = schemaTypes(schema);
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) {
    return { value: NOT_IN_ENUM, what: 'a value outside its enum' };
  }
  const numeric = types.includes('integer') || types.includes('number');
  if (numeric && typeof schema.maximum === 'number') {
    return { value: schema.maximum + 1, what: `above its maximum ${schema.maximum}` };
  }
  if (numeric && typeof schema.exclusiveMaximum === 'number') {
    return { value: schema.exclusiveMaximum, what: `at its exclusive maximum ${schema.exclusiveMaximum}` };
  }
  if (numeric && typeof schema.minimum === 'number') {
    return { value: schema.minimum - 1, what: `below its minimum ${schema.minimum}` };
  }
  if (types.includes('string') && typeof schema.maxLength === 'number' && schema.maxLength < 10_000) {
    return { value: 'x'.repeat(schema.maxLength + 1), what: `longer than its maxLength ${schema.maxLength}` };
  }
  if (types.includes('string') && typeof schema.pattern === 'string') {
    const candidate = '!~ gangway ~!';
    try {
      if (!new RegExp(schema.pattern, 'u').test(candidate)) {
        return { value: candidate, what: `not matching its pattern ${schema.pattern}` };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function omitParameter(valid: HttpRequest, where: 'query' | 'header', name: string): NegativeCase {
  const lower = name.toLowerCase();
  const request =
    where === 'query'
      ? { ...valid, query: Object.fromEntries(Object.entries(valid.query ?? {}).filter(([k]) => k !== name)) }
      : {
          ...valid,
          headers: Object.fromEntries(
            Object.entries(valid.headers ?? {}).filter(([k]) => k.toLowerCase() !== lower),
          ),
        };
  return { what: `the required ${where} parameter ${name} missing`, where: `${where}:${name}`, request };
}

function setParameter(
  valid: HttpRequest,
  where: 'query' | 'header',
  name: string,
  value: string,
  what: string,
): NegativeCase {
  const lower = name.toLowerCase();
  const request =
    where === 'query'
      ? { ...valid, query: { ...valid.query, [name]: value } }
      : {
          ...valid,
          headers: {
            ...Object.fromEntries(
              Object.entries(valid.headers ?? {}).filter(([k]) => k.toLowerCase() !== lower),
            ),
            [name]: value,
          },
        };
  return { what: `${where} parameter ${name} ${what}`, where: `${where}:${name}`, request };
}

function object(schema: JsonSchema | undefined): Schema | undefined {
  return schema !== undefined && typeof schema === 'object' ? (schema as Schema) : undefined;
}
