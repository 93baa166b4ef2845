import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FaultError, type FaultProxy } from './core.js';
import { listen, urlOf } from './listen.js';
import { readBody } from './upstream.js';

/** The control API of a running proxy. */
export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/**
 * JSON over HTTP, for people and drills: GET/POST /faults, DELETE /faults/:id, DELETE /faults, GET /stats,
 * GET /observations (?since=<seq>&limit=<n>), DELETE /observations. Listens on 127.0.0.1 unless told otherwise:
 * whoever reaches it can break the traffic through the proxy.
 */
export async function startControlServer(
  proxy: FaultProxy,
  options: { host?: string; port?: number } = {},
): Promise<ControlServer> {
  const server = http.createServer((req, res) => {
    route(proxy, req, res).catch((error: unknown) => {
      send(res, 500, {
        error: 'internal error',
        detail: error instanceof Error ? error.message : String(error),
      });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: urlOf('http', host, port),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function route(proxy: FaultProxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control.invalid');
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/faults') {
    if (method === 'GET') return send(res, 200, { faults: proxy.faults() });
    if (method === 'DELETE') {
      proxy.clearFaults();
      return send(res, 204);
    }
    if (method === 'POST') return addFaults(proxy, req, res);
    return send(res, 405, { error: `${method} /faults is not supported (GET, POST, DELETE)` });
  }
  const one = /^\/faults\/([^/]+)$/.exec(path);
  if (one) {
    if (method !== 'DELETE') return send(res, 405, { error: 'only DELETE /faults/:id' });
    const id = decodeURIComponent(one[1]!);
    return proxy.removeFault(id) ? send(res, 204) : send(res, 404, { error: `no active fault "${id}"` });
  }
  if (path === '/stats' && method === 'GET') return send(res, 200, proxy.stats());
  if (path === '/observations') {
    if (method === 'DELETE') {
      proxy.clearObservations();
      return send(res, 204);
    }
    if (method !== 'GET') return send(res, 405, { error: 'GET or DELETE /observations' });
    const since = Number(url.searchParams.get('since') ?? -1);
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const list = proxy.observations().filter((o) => o.seq > since);
    return send(res, 200, {
      observations: list.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 1000),
    });
  }
  return send(res, 404, {
    error: `no ${method} ${path}`,
    endpoints: ['GET/POST/DELETE /faults', 'DELETE /faults/:id', 'GET /stats', 'GET/DELETE /observations'],
  });
}

async function addFaults(proxy: FaultProxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let input: unknown;
  try {
    input = JSON.parse((await readBody(req, MAX_BODY)).toString('utf8'));
  } catch {
    return send(res, 400, { error: 'the body must be a JSON fault or array of faults', issues: [] });
  }
  try {
    return send(res, 201, { faults: proxy.addFault(input) });
  } catch (error) {
    if (error instanceof FaultError) return send(res, 400, { error: error.message, issues: error.issues });
    throw error;
  }
}
