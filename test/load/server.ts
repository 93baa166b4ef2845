// A small node:http server for the load tests: a handler may delay its answer (to simulate stalls) and
// the server counts requests and records their headers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadServer {
  url: string;
  count: () => number;
  /** Headers of the last request. */
  lastHeaders: () => IncomingMessage['headers'];
  close(): Promise<void>;
}

/** Answers each request with `reply(n, req)` after `delayMs(n)` (n counts from 1). */
export async function loadServer(options: {
  status?: (n: number, req: IncomingMessage) => number;
  delayMs?: (n: number, at: number) => number;
  body?: (n: number, req: IncomingMessage) => string;
}): Promise<LoadServer> {
  let n = 0;
  let last: IncomingMessage['headers'] = {};
  const started = Date.now();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    n += 1;
    const i = n;
    last = req.headers;
    req.resume();
    req.on('end', () => {
      const send = () => {
        const body = options.body?.(i, req) ?? 'ok';
        res.writeHead(options.status?.(i, req) ?? 200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      };
      const delay = options.delayMs?.(i, Date.now() - started) ?? 0;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => n,
    lastHeaders: () => last,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
