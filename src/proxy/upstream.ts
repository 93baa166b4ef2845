import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { InputError } from '../core/errors.js';
import { HOP_BY_HOP } from '../http/fields.js';

/** TLS towards the upstream: extra CA, client certificate, or no verification (PEM text). */
export interface UpstreamTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  insecure?: boolean;
}

/** Where the proxy forwards to: origin, a path prefix put before every request path, and a keep-alive agent. */
export interface Upstream {
  readonly origin: string;
  readonly host: string;
  readonly prefix: string;
  readonly https: boolean;
  readonly agent: http.Agent;
  readonly timeoutMs: number;
}

/** Parses the upstream URL (http or https, optional path prefix) and builds its agent (with `lookup` if given). */
export function createUpstream(
  url: string,
  tls: UpstreamTls = {},
  timeoutMs = 60_000,
  lookup?: LookupFunction,
): Upstream {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(
      'proxy.bad-upstream',
      `upstream "${url}" is not a URL such as http://127.0.0.1:8080`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(
      'proxy.bad-upstream',
      `upstream "${url}" must be http:// or https:// (or use TCP mode)`,
    );
  }
  const secure = parsed.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ...(lookup && { lookup }),
        ...(tls.ca !== undefined && { ca: tls.ca }),
        ...(tls.cert !== undefined && { cert: tls.cert }),
        ...(tls.key !== undefined && { key: tls.key }),
        ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
        ...(tls.insecure && { rejectUnauthorized: false }),
      })
    : new http.Agent({ keepAlive: true, ...(lookup && { lookup }) });
  return {
    origin: parsed.origin,
    host: parsed.host,
    prefix: parsed.pathname.replace(/\/+$/, ''),
    https: secure,
    agent,
    timeoutMs,
  };
}

/** Response headers the proxy passes on: the upstream's, without hop-by-hop ones. */
export function passHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** Sends the buffered request to the upstream; resolves with the response head (its body not read yet). */
export function forward(
  up: Upstream,
  req: IncomingMessage,
  body: Buffer,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const headers = passHeaders(req.headers);
  headers.host = up.host;
  if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const out = (up.https ? https : http).request(up.origin, {
      method: req.method,
      path: up.prefix + (req.url ?? '/'),
      headers,
      agent: up.agent,
      timeout: up.timeoutMs,
      signal,
    });
    out.once('response', resolve);
    out.once('timeout', () =>
      out.destroy(Object.assign(new Error(`no answer within ${up.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    out.once('error', reject);
    out.end(body);
  });
}

/** Thrown when a body is larger than the proxy keeps. */
export class BodyTooLarge extends Error {}

/** Reads a whole body, refusing more than `max` bytes. */
export function readBody(stream: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        stream.destroy();
        reject(new BodyTooLarge(`body over ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.complete) reject(new Error('the body was cut short'));
    });
  });
}

/** Retry-After as seconds: a number of seconds, or an HTTP date relative to now. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now) / 1000));
}
