import {
  baseOperation,
  checkPathParameters,
  child,
  eachOperation,
  finishOperations,
  type Loc,
  mergeParameters,
  type Normalizer,
  securityOf,
} from './normalize-common.js';
import { isObject } from './pointer.js';
import type { MediaType, Operation, Parameter, ResponseSpec, SecurityScheme } from './types.js';

const LOCATIONS = new Set(['path', 'query', 'header', 'cookie']);

export interface Normalized {
  operations: Operation[];
  servers: string[];
  securitySchemes: Record<string, SecurityScheme>;
}

/** Normalises an OpenAPI 3.0 / 3.1 document, reporting structural problems on the way. */
export function normalizeV3(n: Normalizer, doc: Record<string, unknown>, rootLoc: Loc): Normalized {
  const globalSecurity = securityOf(doc.security) ?? [];
  const ops: { op: Operation; loc: Loc }[] = [];
  const paths = doc.paths;
  if (paths !== undefined && !isObject(paths)) n.problem(child(rootLoc, 'paths'), 'paths must be an object');
  if (isObject(paths)) {
    eachOperation(n, paths, rootLoc, (path, item) => {
      const pathParams = parameters(n, item.value.parameters, child(item.loc, 'parameters'));
      return (method, raw, opLoc) => {
        const params = mergeParameters(pathParams, parameters(n, raw.parameters, child(opLoc, 'parameters')));
        checkPathParameters(n, path, params, opLoc);
        const op = baseOperation(n, {
          method,
          path,
          raw,
          opLoc,
          parameters: params,
          responses: responses(n, raw.responses, child(opLoc, 'responses')),
          globalSecurity,
        });
        if (raw.requestBody !== undefined) {
          const body = n.follow(raw.requestBody, child(opLoc, 'requestBody'));
          if (body && isObject(body.value)) {
            op.requestBody = {
              required: body.value.required === true,
              content: content(n, body.value.content, child(body.loc, 'content')),
            };
          } else if (body) n.problem(child(opLoc, 'requestBody'), 'requestBody must be an object');
        }
        if (raw.responses === undefined && n.version !== '3.1') {
          n.problem(opLoc, `operation ${op.key} has no responses`);
        }
        ops.push({ op, loc: opLoc });
      };
    });
  }
  return {
    operations: finishOperations(n, ops),
    servers: servers(n, doc.servers),
    securitySchemes: securitySchemes(
      n,
      isObject(doc.components) ? doc.components.securitySchemes : undefined,
    ),
  };
}

function parameters(n: Normalizer, value: unknown, loc: Loc): Parameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    n.problem(loc, 'parameters must be an array');
    return [];
  }
  const out: Parameter[] = [];
  value.forEach((rawParam, i) => {
    const found = n.follow(rawParam, child(loc, i));
    if (!found) return;
    const p = found.value;
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string' || !LOCATIONS.has(p.in)) {
      n.problem(child(loc, i), 'a parameter needs a name and an "in" of path, query, header or cookie');
      return;
    }
    const param: Parameter = {
      name: p.name,
      in: p.in as Parameter['in'],
      required: p.in === 'path' || p.required === true,
      deprecated: p.deprecated === true,
      examples: n.examples(p, found.loc),
    };
    if (p.schema !== undefined) param.schema = n.schema(p.schema, child(found.loc, 'schema'));
    else if (isObject(p.content)) {
      // A parameter with `content` carries one media type: use its schema and examples.
      const media = Object.keys(p.content)[0];
      const m = media === undefined ? undefined : p.content[media];
      if (isObject(m)) {
        if (m.schema !== undefined)
          param.schema = n.schema(m.schema, child(found.loc, 'content', media as string, 'schema'));
        param.examples.push(...n.examples(m, child(found.loc, 'content', media as string)));
      }
    }
    if (typeof p.style === 'string') param.style = p.style;
    if (typeof p.explode === 'boolean') param.explode = p.explode;
    out.push(param);
  });
  return out;
}

function content(n: Normalizer, value: unknown, loc: Loc): Record<string, MediaType> {
  const out: Record<string, MediaType> = {};
  if (!isObject(value)) return out;
  for (const media in value) {
    const m = value[media];
    const mLoc = child(loc, media);
    if (!isObject(m)) {
      n.problem(mLoc, `media type ${media} must be an object`);
      continue;
    }
    const entry: MediaType = { examples: n.examples(m, mLoc) };
    if (m.schema !== undefined) entry.schema = n.schema(m.schema, child(mLoc, 'schema'));
    out[media] = entry;
  }
  return out;
}

function responses(n: Normalizer, value: unknown, loc: Loc): ResponseSpec[] {
  const out: ResponseSpec[] = [];
  if (value === undefined) return out;
  if (!isObject(value)) {
    n.problem(loc, 'responses must be an object');
    return out;
  }
  for (const status in value) {
    if (status.startsWith('x-')) continue;
    const rLoc = child(loc, status);
    if (!/^([1-5](\d\d|XX)|default)$/i.test(status))
      n.problem(rLoc, `'${status}' is not a status code, range or default`);
    const found = n.follow(value[status], rLoc);
    if (!found) continue;
    const r = found.value;
    if (!isObject(r)) {
      n.problem(rLoc, `response ${status} must be an object`);
      continue;
    }
    const spec: ResponseSpec = {
      status: status.toUpperCase() === 'DEFAULT' ? 'default' : status.toUpperCase(),
      headers: {},
      content: content(n, r.content, child(found.loc, 'content')),
      links: isObject(r.links) ? r.links : {},
    };
    if (typeof r.description === 'string') spec.description = r.description;
    if (isObject(r.headers)) {
      for (const name in r.headers) {
        const h = n.follow(r.headers[name], child(found.loc, 'headers', name));
        if (!h || !isObject(h.value)) continue;
        const header: ResponseSpec['headers'][string] = { required: h.value.required === true };
        if (h.value.schema !== undefined) header.schema = n.schema(h.value.schema, child(h.loc, 'schema'));
        spec.headers[name] = header;
      }
    }
    out.push(spec);
  }
  return out;
}

function servers(n: Normalizer, value: unknown): string[] {
  const list = Array.isArray(value) && value.length > 0 ? value : [{ url: '/' }];
  const source = n.docs.root.url;
  return list.filter(isObject).map((s) => {
    let url = typeof s.url === 'string' ? s.url : '/';
    if (isObject(s.variables)) {
      for (const name in s.variables) {
        const v = s.variables[name];
        if (isObject(v) && v.default !== undefined) url = url.replaceAll(`{${name}}`, String(v.default));
      }
    }
    // A relative server URL is relative to where the document was fetched from.
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && /^https?:/.test(source)) url = new URL(url, source).href;
    return url;
  });
}

function securitySchemes(n: Normalizer, value: unknown): Record<string, SecurityScheme> {
  const out: Record<string, SecurityScheme> = {};
  if (!isObject(value)) return out;
  const root: Loc = { file: n.docs.root, segments: ['components', 'securitySchemes'] };
  for (const name in value) {
    const found = n.follow(value[name], child(root, name));
    if (!found || !isObject(found.value)) continue;
    const s = found.value;
    const type = s.type;
    if (
      type !== 'apiKey' &&
      type !== 'http' &&
      type !== 'oauth2' &&
      type !== 'openIdConnect' &&
      type !== 'mutualTLS'
    ) {
      n.problem(
        child(root, name, 'type'),
        `security scheme '${name}' has an unknown type ${JSON.stringify(type)}`,
      );
      continue;
    }
    const scheme: SecurityScheme = { name, type };
    if (type === 'apiKey') {
      if (s.in === 'header' || s.in === 'query' || s.in === 'cookie') scheme.in = s.in;
      if (typeof s.name === 'string') scheme.paramName = s.name;
    }
    if (type === 'http' && typeof s.scheme === 'string') scheme.scheme = s.scheme.toLowerCase();
    out[name] = scheme;
  }
  return out;
}
