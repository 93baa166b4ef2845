import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '../../http/types.js';
import type { GeneratedRequest, Operation } from '../../openapi/types.js';

/** Turns a generated request into an HTTP request for the client. */
export function toHttpRequest(op: Operation, generated: GeneratedRequest, auth: boolean): HttpRequest {
  const hash = op.path.indexOf('#');
  const path = (hash === -1 ? op.path : op.path.slice(0, hash)).replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(generated.pathParams[name] ?? ''),
  );
  const query =
    hash === -1 ? generated.query : { ...keyQuery(op, op.path.slice(hash + 1)), ...generated.query };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(generated.headers)) {
    // The HTTP client frames the message: a spec's Content-Length or Transfer-Encoding parameter is not sent;
    // nor is a parameter whose name no header can have (Notion's spec declares one named "").
    if (MANAGED_HEADERS.test(name) || !HEADER_NAME.test(name)) continue;
    // A generated idempotency key would repeat across runs with the same seed and hit a real conflict.
    headers[name] = /idempotency|request-id/i.test(name) ? randomUUID() : headerValue(value);
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

/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers the HTTP layer owns (framing, connection management): never taken from a spec's parameters. */
const MANAGED_HEADERS =
  /^(content-length|transfer-encoding|host|connection|keep-alive|proxy-connection|upgrade|te|trailer|expect)$/i;

/**
 * A value as a header can carry it: line breaks (an example written as a YAML block keeps its last one)
 * become spaces, other control characters go, the ends are trimmed, and characters beyond Latin-1 are
 * percent-encoded (HTTP field values are bytes; undici refuses anything else).
 */
function headerValue(value: string): string {
  const flat = value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
    .trim();
  return /[^\u0000-\u00ff]/.test(flat)
    ? flat.replace(/[^\u0000-\u00ff]+/g, (c) => encodeURIComponent(c))
    : flat;
}

/**
 * The values a path key names after "#" that no parameter declares (APIs.guru's conversions write a query
 * the operation is told apart by there: Azure's "/v2/{name}/blobs/uploads/#mode=resumable"). A fragment
 * is never sent, so they go in the query; a declared one (AWS's X-Amz-Target header) is generated as such.
 */
function keyQuery(op: Operation, conditions: string): Record<string, string> {
  const declared = new Set(op.parameters.map((p) => p.name.toLowerCase()));
  const query: Record<string, string> = {};
  for (const part of conditions.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = decoded(part.slice(0, eq));
    if (!declared.has(name.toLowerCase())) query[name] = decoded(part.slice(eq + 1));
  }
  return query;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
