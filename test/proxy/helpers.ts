// Shared by the proxy tests: a small upstream on 127.0.0.1 and a raw HTTP client that reports resets and cut bodies.

import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JSON body of about 2 KB, so pacing and truncation have bytes to work with. */
export const BIG = JSON.stringify({
  items: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}-xxxxxxxxxxxxxxxxxxxx` })),
});

export interface Upstream {
  url: string;
  port: number;
  /** Requests seen by the upstream: method and url. */
  seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const DEFAULT: Handler = (req, res, body) => {
  if (req.url?.startsWith('/big')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(BIG);
    return;
  }
  const payload = JSON.stringify({ method: req.method, url: req.url, body });
  res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(payload);
};

/** Starts an upstream API; by default it echoes the request as JSON (201 for POST) and serves BIG at /big. */
export async function startUpstream(handler: Handler = DEFAULT): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: string;
  /** Error code when the exchange failed: ECONNRESET, a cut body ("aborted"), TIMEOUT (ours). */
  error?: string;
  ms: number;
  /** Milliseconds until the response head arrived. */
  headMs?: number;
}

/** One request with a fresh connection; never rejects. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const out: RawResult = { body: '', ms: 0 };
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      out.ms = performance.now() - started;
      if (error !== undefined) out.error = error;
      resolve(out);
    };
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        out.status = res.statusCode;
        out.headers = res.headers;
        out.headMs = performance.now() - started;
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          out.body += c;
        });
        res.on('end', () => done());
        res.on('aborted', () => done('aborted'));
        res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'aborted'));
      },
    );
    const timer = setTimeout(() => {
      done('TIMEOUT');
      req.destroy();
    }, options.timeoutMs ?? 5_000);
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    req.end(options.body);
  });
}

/** JSON request to a control API. */
export async function control(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(base + path, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** Polls until the condition holds (observations are recorded when the connection closes). */
export async function waitFor(condition: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
