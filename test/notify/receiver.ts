// A real HTTP receiver on 127.0.0.1 for notifier tests: records every request, answers from a script.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryContext, NotificationMessage } from '../../src/notify/types.js';

export interface Captured {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Decides the answer to a request; default: 200 with an empty JSON object. */
export type Responder = (req: Captured) => Answer;

export interface Receiver {
  url: string;
  requests: Captured[];
  /** Replace how it answers. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 port 0. */
export async function startReceiver(
  responder: Responder = () => ({ status: 200, body: {} }),
): Promise<Receiver> {
  let answer = responder;
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      requests.push(captured);
      const a = answer(captured);
      const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (r) => {
      answer = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A delivery context with a fixed clock and a generous time limit. */
export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return {
    signal: AbortSignal.timeout(30_000),
    now: () => Date.parse('2026-03-01T10:00:00Z'),
    http: { timeoutMs: 20_000 },
    ...overrides,
  };
}

/** A message as the service would send it. */
export function message(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    deliveryKey: 'inc_42:triggered:1:oncall',
    event: 'triggered',
    level: 1,
    text: 'p95 latency 2300 ms over the 800 ms budget for 5 minutes',
    at: '2026-03-01T09:59:58.000Z',
    incident: {
      id: 'inc_42',
      title: 'Latency spike on api-health',
      severity: 'SEV1',
      status: 'triggered',
      summary: 'GET /notes p95 is 2.9x its baseline',
      dedupKey: 'latency-spike:api-health:production',
      signature: 'latency-spike:api-health',
      environment: 'production',
      partner: 'acme',
      components: ['notes-api'],
      triggeredAt: '2026-03-01T09:59:58.000Z',
      runbook: { name: 'latency-spike', url: 'https://gangway.example/runbooks/latency-spike' },
      url: 'https://gangway.example/incidents/inc_42',
    },
    links: {
      view: 'https://gangway.example/incidents/inc_42',
      acknowledge: 'https://gangway.example/i/inc_42/ack?sig=abc',
      resolve: 'https://gangway.example/i/inc_42/resolve?sig=def',
    },
    ...overrides,
  };
}
