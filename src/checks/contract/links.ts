import { getJsonPath } from '../../core/jsonpath.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';

/** A link of a response, resolved: the operation it leads to and the values for its parameters. */
export interface FollowedLink {
  name: string;
  target: Operation;
  /** Parameter (or body property) name → value taken from the request or the response. */
  values: Record<string, unknown>;
}

interface RawLink {
  operationId?: unknown;
  operationRef?: unknown;
  parameters?: unknown;
}

/**
 * The links (OpenAPI 3 `links`) of the documented response matching `res`, with their runtime
 * expressions evaluated. Links whose target or values cannot be resolved are left out.
 */
export function resolveLinks(
  spec: ApiSpec,
  op: Operation,
  request: HttpRequest,
  res: HttpResponse,
): FollowedLink[] {
  const documented =
    op.responses.find((r) => r.status === String(res.status)) ??
    op.responses.find((r) => r.status.toUpperCase() === `${String(res.status)[0]}XX`);
  // Most responses have no links: no route matching or body parsing for them.
  if (!documented || Object.keys(documented.links).length === 0) return [];
  const pathParams = spec.match(op.method, request.url.split('?')[0] ?? request.url)?.pathParams ?? {};
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = undefined;
  }
  const out: FollowedLink[] = [];
  for (const [name, raw] of Object.entries(documented.links)) {
    const link = (raw ?? {}) as RawLink;
    const target = targetOf(spec, link);
    if (!target) continue;
    const values: Record<string, unknown> = {};
    let complete = true;
    for (const [param, expression] of Object.entries((link.parameters ?? {}) as Record<string, unknown>)) {
      const value = evaluate(expression, request, res, body, pathParams);
      if (value === undefined) complete = false;
      else values[param.replace(/^(path|query|header|cookie)\./, '')] = value;
    }
    if (complete) out.push({ name, target, values });
  }
  return out;
}

function targetOf(spec: ApiSpec, link: RawLink): Operation | undefined {
  if (typeof link.operationId === 'string') return spec.operation(link.operationId);
  if (typeof link.operationRef !== 'string') return undefined;
  // "#/paths/~1users~1{id}/get": the path template and the method.
  const match = /#\/paths\/([^/]+)\/(get|put|post|delete|patch|head|options)$/i.exec(link.operationRef);
  if (!match) return undefined;
  const path = decodeURIComponent(match[1]!).replace(/~1/g, '/').replace(/~0/g, '~');
  return spec.operation(`${match[2]!.toUpperCase()} ${path}`);
}

/** Evaluates an OpenAPI runtime expression; constants (not starting with $) are taken as they are. */
export function evaluate(
  expression: unknown,
  request: HttpRequest,
  res: HttpResponse,
  body: unknown,
  pathParams: Record<string, string> = {},
): unknown {
  if (typeof expression !== 'string' || !expression.startsWith('$')) return expression;
  if (expression === '$statusCode') return res.status;
  if (expression === '$method') return request.method;
  if (expression.startsWith('$response.body'))
    return pointer(body, expression.slice('$response.body'.length));
  if (expression.startsWith('$response.header.')) return res.headers[expression.slice(17).toLowerCase()];
  if (expression.startsWith('$request.path.')) return pathParams[expression.slice(14)];
  if (expression.startsWith('$request.query.')) return request.query?.[expression.slice(15)];
  if (expression.startsWith('$request.header.')) {
    const name = expression.slice(16).toLowerCase();
    return Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  }
  if (expression.startsWith('$request.body'))
    return pointer(request.body, expression.slice('$request.body'.length));
  return undefined;
}

/** "#/a/0/b" (or "" for the whole value) read through a JSON pointer. */
function pointer(value: unknown, fragment: string): unknown {
  if (fragment === '') return value;
  if (!fragment.startsWith('#')) return undefined;
  const tokens = fragment
    .slice(1)
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = `$${tokens.map((t) => (/^\d+$/.test(t) ? `[${t}]` : `['${t.replace(/'/g, "\\'")}']`)).join('')}`;
  return getJsonPath(value, path);
}
