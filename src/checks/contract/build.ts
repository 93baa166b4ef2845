import { randomUUID } from 'node:crypto';
import { fieldValue, sendableField } from '../../http/fields.js';
import type { HttpRequest } from '../../http/types.js';
import { pathKeyQuery } from '../../openapi/index.js';
import type { GeneratedRequest, Operation } from '../../openapi/types.js';

/** Turns a generated request into an HTTP request for the client. */
export function toHttpRequest(op: Operation, generated: GeneratedRequest, auth: boolean): HttpRequest {
  const hash = op.path.indexOf('#');
  const path = (hash === -1 ? op.path : op.path.slice(0, hash)).replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(generated.pathParams[name] ?? ''),
  );
  const query = hash === -1 ? generated.query : { ...pathKeyQuery(op), ...generated.query };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(generated.headers)) {
    if (!sendableField(name)) continue;
    // A generated idempotency key would repeat across runs with the same seed and hit a real conflict.
    headers[name] = /idempotency|request-id/i.test(name) ? randomUUID() : fieldValue(value);
  }
  let body: unknown = generated.body;
  if (generated.contentType) {
    headers['content-type'] = generated.contentType;
    if (/x-www-form-urlencoded/i.test(generated.contentType) && body && typeof body === 'object') {
      const pairs = Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]);
      body = new URLSearchParams(pairs).toString();
    } else if (!/json/i.test(generated.contentType) && body !== undefined && typeof body !== 'string') {
      body = JSON.stringify(body);
    }
  }
  return {
    method: op.method,
    url: path,
    query,
    headers,
    ...(body !== undefined && { body }),
    operation: op.id,
    auth,
  };
}
