// Drives one client program through a real fault proxy in front of a tiny payments API, switching faults as the
// client enters each phase of its script, and returns what the proxy observed.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '../../../src/openapi/load.js';
import type { ApiSpec } from '../../../src/openapi/types.js';
import { startProxy } from '../../../src/proxy/index.js';
import type { ObservedExchange } from '../../../src/proxy/observation.js';
import type { ObserveOptions } from '../../../src/proxy/observe/index.js';
import { type Phase, type Policy, runClient } from './clients/kit.js';

const SPEC = `openapi: 3.0.3
info: { title: Payments, version: 1.0.0 }
paths:
  /payments:
    post:
      operationId: createPayment
      parameters: [{ name: Idempotency-Key, in: header, schema: { type: string } }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount, currency]
              properties:
                amount: { type: integer, minimum: 1 }
                currency: { type: string, pattern: '^[A-Z]{3}$' }
                ref: { type: string }
      responses: { '201': { description: created } }
  /payments/{id}:
    get:
      operationId: getPayment
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: the payment } }
`;

/** The times the scenario runs at, scaled down; the judges are told the same. */
export const OUTAGE_STARTS_MS = 400;
export const OUTAGE_ENDS_MS = 1200;
/** How long the proxy lets a client hang on the black hole before it stops (ending the recording). */
export const HANG_LIMIT_MS = 1500;

/** Judge options matching the scenario's scaled-down times. */
export const SCENARIO_OPTIONS: ObserveOptions = {
  timeoutMs: 1000,
  backoffFloorMs: 80,
  outageMinFailures: 3,
  outageMinMs: 500,
  recoveryMs: 1000,
};

export interface PaymentsApi {
  url: string;
  spec: ApiSpec;
  close(): Promise<void>;
}

/** A tiny payments API (token endpoint, create, read) and its spec. */
export async function startPaymentsApi(): Promise<PaymentsApi> {
  const dir = mkdtempSync(join(tmpdir(), 'gangway-observe-'));
  writeFileSync(join(dir, 'payments.yaml'), SPEC);
  const spec = await loadSpec(join(dir, 'payments.yaml'));
  rmSync(dir, { recursive: true, force: true });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/oauth/token') {
        json(200, { access_token: randomUUID(), token_type: 'bearer', expires_in: 3600 });
      } else if (req.method === 'POST' && req.url === '/payments') json(201, { id: randomUUID() });
      else if (req.method === 'GET' && req.url?.startsWith('/payments/'))
        json(200, { id: req.url.slice(10) });
      else json(404, { title: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spec,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs one client through its own proxy: 500 ×3 on the first create, 429 (Retry-After: 1) on the second, 502 ×2 on
 * the third, every read failing with 500 for a while during the stream, one black-holed read at the end.
 */
export async function observeClient(api: PaymentsApi, policy: Policy): Promise<ObservedExchange[]> {
  const proxy = await startProxy({ upstream: api.url, spec: api.spec });
  const timers: NodeJS.Timeout[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= proxy.close();
    return closing;
  };
  const onPhase = (phase: Phase) => {
    proxy.clearFaults();
    const creates = { method: 'POST', path: '/payments' };
    const reads = { method: 'GET', path: '/payments/*' };
    if (phase === 'backoff') proxy.addFault({ type: 'status', status: 500, first: 3, ...creates });
    if (phase === 'retry-after')
      proxy.addFault({ type: 'status', status: 429, retryAfter: 1, first: 1, ...creates });
    if (phase === 'backoff-2') proxy.addFault({ type: 'status', status: 502, first: 2, ...creates });
    if (phase === 'outage') {
      timers.push(
        setTimeout(
          () => proxy.addFault({ id: 'outage', type: 'status', status: 500, ...reads }),
          OUTAGE_STARTS_MS,
        ),
        setTimeout(() => proxy.removeFault('outage'), OUTAGE_ENDS_MS),
      );
    }
    if (phase === 'timeout') {
      proxy.addFault({ type: 'blackhole', first: 1, ...reads });
      // A client without a timeout would hang for ever: stopping the proxy ends the recording (and the client).
      timers.push(setTimeout(() => void close(), HANG_LIMIT_MS));
    }
  };
  try {
    await runClient(proxy.url, policy, onPhase);
  } finally {
    for (const t of timers) clearTimeout(t);
    await close();
  }
  // The proxy files an exchange when its connection closes: let the last close events run.
  await new Promise((resolve) => setImmediate(resolve));
  return proxy.observations();
}
