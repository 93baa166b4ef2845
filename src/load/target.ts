import { InputError } from '../core/errors.js';
import { fieldValue, sendableField } from '../http/fields.js';
import type { ResolvedTls } from '../http/types.js';
import { appendQuery, parseBase } from '../http/url.js';
import { fillPath, pathKeyQuery } from '../openapi/index.js';
import type { ApiSpec } from '../openapi/types.js';
import type { HttpStepSpec } from './types.js';

/** A request to repeat, before auth: absolute URL, method, headers, body. */
export interface LoadRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** operationId or "METHOD /path" for titles and findings. */
  label: string;
}

const METHOD_FIRST = /^([A-Za-z]+)\s+(\S+)$/;
const ABSOLUTE = /^https?:\/\//i;

/**
 * Resolves what a load run calls: an absolute URL, "METHOD <url-or-path>", a path under the base URL,
 * or an operation of the spec (its parameters and body built once from the spec's examples, else
 * generated for `seed`).
 */
export function resolveLoadTarget(
  target: string,
  options: { baseUrl?: string; spec?: ApiSpec; seed?: number },
): LoadRequest {
  const text = target.trim();
  const methodFirst = METHOD_FIRST.exec(text);
  const method = methodFirst ? methodFirst[1]!.toUpperCase() : 'GET';
  const where = methodFirst ? methodFirst[2]! : text;
  const operation = options.spec?.operation(text);
  if (operation && options.spec && !ABSOLUTE.test(where)) {
    const generated = options.spec.generateRequest(operation, { seed: options.seed ?? 1 });
    const path = appendQuery(fillPath(operation.path, generated.pathParams), {
      ...pathKeyQuery(operation),
      ...generated.query,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(generated.headers))
      if (sendableField(name)) headers[name] = fieldValue(value);
    let body: string | undefined;
    if (generated.body !== undefined) {
      body = typeof generated.body === 'string' ? generated.body : JSON.stringify(generated.body);
      headers['content-type'] = generated.contentType ?? 'application/json';
    }
    return {
      method: operation.method,
      url: join(options.baseUrl, path, target),
      headers,
      ...(body !== undefined && { body }),
      label: operation.id,
    };
  }
  if (ABSOLUTE.test(where)) {
    parseBase(where);
    return { method, url: where, headers: {}, label: `${method} ${new URL(where).pathname}` };
  }
  if (where.startsWith('/')) {
    return { method, url: join(options.baseUrl, where, target), headers: {}, label: `${method} ${where}` };
  }
  throw new InputError(
    'load.bad-target',
    options.spec
      ? `"${target}" is neither an operation of ${options.spec.title}, a path ("/orders") nor a URL`
      : `"${target}" is not a URL or a path: give "http://host/path", "/path" with a base URL, or an operation with a spec`,
  );
}

function join(baseUrl: string | undefined, path: string, target: string): string {
  if (baseUrl === undefined) {
    throw new InputError(
      'load.no-base-url',
      `"${target}" needs a base URL (--base-url or the environment's)`,
    );
  }
  const base = parseBase(baseUrl);
  return base.origin + base.prefix + path;
}

/** The engine's raw step for a resolved (and authenticated) request. */
export function toStepSpec(
  request: Pick<LoadRequest, 'method' | 'url' | 'headers' | 'body'>,
  timeoutMs: number,
  tls?: ResolvedTls,
): HttpStepSpec {
  const u = new URL(request.url);
  return {
    origin: u.origin,
    method: request.method,
    path: u.pathname + u.search,
    headers: { 'user-agent': 'gangway-load', ...request.headers },
    ...(request.body !== undefined && { body: request.body }),
    timeoutMs,
    ...(tls && { tls }),
  };
}
