import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '../../http/types.js';
import type { GeneratedRequest, Operation } from '../../openapi/types.js';

/** Turns a generated request into an HTTP request for the client. */
export function toHttpRequest(op: Operation, generated: GeneratedRequest, auth: boolean): HttpRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(generated.pathParams[name] ?? ''),
  );
  const headers: Record<string, string> = { ...generated.headers };
  for (const name of Object.keys(headers)) {
    // A generated idempotency key would repeat across runs with the same seed and hit a real conflict.
    if (/idempotency|request-id/i.test(name)) headers[name] = randomUUID();
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
    query: generated.query,
    headers,
    ...(body !== undefined && { body }),
    operation: op.id,
    auth,
  };
}
