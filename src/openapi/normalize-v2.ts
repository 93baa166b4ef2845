import {
  baseOperation,
  checkPathParameters,
  child,
  eachOperation,
  finishOperations,
  type Loc,
  mergeParameters,
  type Normalizer,
  type PathItemVisitor,
  securityOf,
  stringList,
} from './normalize-common.js';
import type { Normalized } from './normalize-v3.js';
import { isObject } from './pointer.js';
import type { JsonSchema, MediaType, Operation, Parameter, ResponseSpec, SecurityScheme } from './types.js';

/** Fields of a 2.0 non-body parameter, header or items object that are schema keywords. */
const SCHEMA_FIELDS = [
  'type',
  'format',
  'items',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
  'x-nullable',
];

interface RawParam {
  /** Normalised query/header/path/cookie parameter, or undefined for body/formData. */
  param?: Parameter;
  body?: { schema: JsonSchema; required: boolean; examples: MediaType['examples'] };
  form?: { name: string; schema: JsonSchema; required: boolean; file: boolean };
}

/** Normalises a Swagger 2.0 document: body/formData become requestBody, produces/consumes content types. */
export function normalizeV2(n: Normalizer, doc: Record<string, unknown>, rootLoc: Loc): Normalized {
  const globalSecurity = securityOf(doc.security) ?? [];
  const globalConsumes = stringList(doc.consumes);
  const globalProduces = stringList(doc.produces);
  const ops: { op: Operation; loc: Loc }[] = [];
  const paths = doc.paths;
  if (!isObject(paths)) n.problem(child(rootLoc, 'paths'), 'paths must be an object');
  else {
    const visitor: PathItemVisitor = (path, item) => {
      const pathRaw = parameters(n, item.value.parameters, child(item.loc, 'parameters'));
      return (method, raw, opLoc) => {
        const opRaw = parameters(n, raw.parameters, child(opLoc, 'parameters'));
        const pick = (list: RawParam[]) => list.flatMap((r) => (r.param ? [r.param] : []));
        const params = mergeParameters(pick(pathRaw), pick(opRaw));
        checkPathParameters(n, path, params, opLoc);
        const consumes = 'consumes' in raw ? stringList(raw.consumes) : globalConsumes;
        const produces = 'produces' in raw ? stringList(raw.produces) : globalProduces;
        const op = baseOperation(n, {
          method,
          path,
          raw,
          opLoc,
          parameters: params,
          responses: responses(n, raw.responses, child(opLoc, 'responses'), produces),
          globalSecurity,
        });
        const requestBody = bodyOf([...pathRaw, ...opRaw], consumes);
        if (requestBody) op.requestBody = requestBody;
        if (!isObject(raw.responses)) n.problem(opLoc, `operation ${op.key} has no responses`);
        ops.push({ op, loc: opLoc });
      };
    };
    eachOperation(n, paths, rootLoc, visitor, ['trace']);
  }
  return {
    operations: finishOperations(n, ops),
    servers: servers(n, doc),
    securitySchemes: securityDefinitions(doc.securityDefinitions),
  };
}

function parameters(n: Normalizer, value: unknown, loc: Loc): RawParam[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    n.problem(loc, 'parameters must be an array');
    return [];
  }
  const out: RawParam[] = [];
  value.forEach((rawParam, i) => {
    const found = n.follow(rawParam, child(loc, i));
    if (!found) return;
    const p = found.value;
    const where = p && isObject(p) ? p.in : undefined;
    if (!isObject(p) || typeof p.name !== 'string' || typeof where !== 'string') {
      n.problem(child(loc, i), 'a parameter needs a name and an "in"');
      return;
    }
    if (where === 'body') {
      const examples = isObject(p['x-examples'])
        ? Object.entries(p['x-examples']).map(([name, value]) => ({ name, value }))
        : [];
      out.push({
        body: {
          schema: n.schema(p.schema, child(found.loc, 'schema')),
          required: p.required === true,
          examples,
        },
      });
      return;
    }
    const schema = n.schema(pickSchema(p), found.loc);
    if (where === 'formData') {
      out.push({ form: { name: p.name, schema, required: p.required === true, file: p.type === 'file' } });
      return;
    }
    if (where !== 'query' && where !== 'header' && where !== 'path') {
      n.problem(child(found.loc, 'in'), `parameter '${p.name}' has an unknown location '${where}'`);
      return;
    }
    const param: Parameter = {
      name: p.name,
      in: where,
      required: where === 'path' || p.required === true,
      deprecated: false,
      examples: 'x-example' in p ? [{ name: 'x-example', value: p['x-example'] }] : [],
      schema,
    };
    const format = typeof p.collectionFormat === 'string' ? p.collectionFormat : 'csv';
    if (p.type === 'array') {
      const styles: Record<string, [string, boolean]> = {
        csv: [where === 'query' ? 'form' : 'simple', false],
        multi: ['form', true],
        ssv: ['spaceDelimited', false],
        pipes: ['pipeDelimited', false],
        tsv: ['tabDelimited', false],
      };
      const [style, explode] = styles[format] ?? ['form', false];
      param.style = style;
      param.explode = explode;
    }
    out.push({ param });
  });
  return out;
}

function pickSchema(p: Record<string, unknown>): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  for (const k of SCHEMA_FIELDS) if (k in p) schema[k] = p[k];
  return schema;
}

function bodyOf(raw: RawParam[], consumes: string[]): Operation['requestBody'] {
  const body = raw.filter((r) => r.body).at(-1)?.body;
  if (body) {
    const content: Record<string, MediaType> = {};
    for (const media of consumes.length > 0 ? consumes : ['application/json']) {
      content[media] = { schema: body.schema, examples: body.examples };
    }
    return { required: body.required, content };
  }
  const form = raw.flatMap((r) => (r.form ? [r.form] : []));
  if (form.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const f of form) properties[f.name] = f.file ? { type: 'string', format: 'binary' } : f.schema;
  const schema: JsonSchema = { type: 'object', properties };
  const required = form.filter((f) => f.required).map((f) => f.name);
  if (required.length > 0) schema.required = required;
  const formTypes = consumes.filter((c) => /form-data|x-www-form-urlencoded/.test(c));
  const medias =
    formTypes.length > 0
      ? formTypes
      : [form.some((f) => f.file) ? 'multipart/form-data' : 'application/x-www-form-urlencoded'];
  const content: Record<string, MediaType> = {};
  for (const media of medias) content[media] = { schema, examples: [] };
  return { required: required.length > 0, content };
}

function responses(n: Normalizer, value: unknown, loc: Loc, produces: string[]): ResponseSpec[] {
  const out: ResponseSpec[] = [];
  if (!isObject(value)) return out;
  for (const status in value) {
    if (status.startsWith('x-')) continue;
    const rLoc = child(loc, status);
    if (!/^([1-5]\d\d|default)$/i.test(status))
      n.problem(rLoc, `'${status}' is not a status code or default`);
    const found = n.follow(value[status], rLoc);
    if (!found || !isObject(found.value)) {
      if (found) n.problem(rLoc, `response ${status} must be an object`);
      continue;
    }
    const r = found.value;
    const spec: ResponseSpec = { status: status.toLowerCase(), headers: {}, content: {}, links: {} };
    if (typeof r.description === 'string') spec.description = r.description;
    if (r.schema !== undefined) {
      const schema = n.schema(r.schema, child(found.loc, 'schema'));
      const examples = isObject(r.examples) ? r.examples : {};
      // Without `produces` the media type is unknown: accept any, validate JSON bodies.
      for (const media of produces.length > 0 ? produces : ['*/*']) {
        const ex = examples[media];
        spec.content[media] = { schema, examples: ex === undefined ? [] : [{ name: media, value: ex }] };
      }
    }
    if (isObject(r.headers)) {
      for (const name in r.headers) {
        const h = r.headers[name];
        if (isObject(h))
          spec.headers[name] = {
            required: false,
            schema: n.schema(pickSchema(h), child(found.loc, 'headers', name)),
          };
      }
    }
    out.push(spec);
  }
  return out;
}

function servers(n: Normalizer, doc: Record<string, unknown>): string[] {
  const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
  const source = n.docs.root.url;
  let host = typeof doc.host === 'string' ? doc.host : undefined;
  let schemes = stringList(doc.schemes);
  if (host === undefined && /^https?:/.test(source)) {
    const u = new URL(source);
    host = u.host;
    if (schemes.length === 0) schemes = [u.protocol.slice(0, -1)];
  }
  if (host === undefined) return [basePath === '' ? '/' : basePath];
  if (schemes.length === 0) schemes = ['https'];
  return schemes.map((s) => `${s}://${host}${basePath}`);
}

function securityDefinitions(value: unknown): Record<string, SecurityScheme> {
  const out: Record<string, SecurityScheme> = {};
  if (!isObject(value)) return out;
  for (const name in value) {
    const s = value[name];
    if (!isObject(s)) continue;
    if (s.type === 'basic') out[name] = { name, type: 'http', scheme: 'basic' };
    else if (s.type === 'oauth2') out[name] = { name, type: 'oauth2' };
    else if (s.type === 'apiKey') {
      const scheme: SecurityScheme = { name, type: 'apiKey' };
      if (s.in === 'header' || s.in === 'query') scheme.in = s.in;
      if (typeof s.name === 'string') scheme.paramName = s.name;
      out[name] = scheme;
    }
  }
  return out;
}
