// What the proxy records for observe mode: identity, fingerprints, redaction, operation, conformance, outcomes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSpec } from '../../src/openapi/load.js';
import type { ApiSpec } from '../../src/openapi/types.js';
import { type FaultProxy, startProxy } from '../../src/proxy/index.js';
import { request, startUpstream, type Upstream, waitFor } from './helpers.js';

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
servers: [{ url: http://orders.example/v1 }]
paths:
  /orders:
    post:
      operationId: createOrder
      parameters:
        - { name: dryRun, in: query, schema: { type: boolean } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties: { amount: { type: integer, minimum: 1 } }
      responses: { '201': { description: created } }
  /orders/{id}:
    get:
      operationId: getOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { '200': { description: ok } }
  # AWS's JSON protocol: one path, the operation named by a header (as APIs.guru writes it).
  /#X-Amz-Target=Orders.Cancel:
    post:
      operationId: cancelOrder
      parameters: [{ name: X-Amz-Target, in: header, required: true, schema: { type: string, enum: [Orders.Cancel] } }]
      responses: { '200': { description: ok } }
  /#X-Amz-Target=Orders.Refund:
    post:
      operationId: refundOrder
      parameters: [{ name: X-Amz-Target, in: header, required: true, schema: { type: string, enum: [Orders.Refund] } }]
      responses: { '200': { description: ok } }
`;

describe('observations', () => {
  let up: Upstream;
  let proxy: FaultProxy;
  let spec: ApiSpec;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gangway-proxy-'));
    writeFileSync(join(dir, 'orders.yaml'), SPEC);
    spec = await loadSpec(join(dir, 'orders.yaml'));
    up = await startUpstream();
    proxy = await startProxy({ upstream: up.url, spec, maxObservations: 50 });
  });
  after(async () => {
    await proxy.close();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const last = async () => {
    const n = proxy.stats().requests;
    await waitFor(() => proxy.observations().length >= Math.min(n, 50) && proxy.stats().active === 0);
    return proxy.observations().at(-1)!;
  };

  test('a conformant create: operation, idempotency key, fingerprints, credential never kept', async () => {
    const body = '{"amount":5}';
    await request(`${proxy.url}/v1/orders?dryRun=true`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer s3cr3t-token',
        'idempotency-key': 'k-1',
      },
    });
    const o = await last();
    assert.equal(o.operation, 'createOrder');
    assert.deepEqual(o.conformance, []);
    assert.equal(o.idempotencyKey, 'k-1');
    assert.equal(o.status, 201);
    assert.equal(o.outcome, 'answered');
    assert.equal(o.bodyBytes, body.length);
    assert.equal(o.bodyFingerprint, createHash('sha256').update(body).digest('hex').slice(0, 16));
    const fp = createHash('sha256').update('Bearer s3cr3t-token').digest('hex').slice(0, 16);
    assert.equal(o.credentialFingerprint, fp);
    // A bearer token changes over a client's life: the peer names the client, not the token.
    assert.match(o.client, /^peer:(127\.0\.0\.1|::ffff:127\.0\.0\.1)$/);
    assert.equal(o.headers.authorization, 'Bearer [REDACTED]');
    assert.ok(!JSON.stringify(o).includes('s3cr3t'));
    assert.ok(o.endedAt >= o.startedAt);
  });

  test('nonconformant requests: body schema, query and path types, unknown route', async () => {
    await request(`${proxy.url}/v1/orders?dryRun=maybe`, {
      method: 'POST',
      body: '{"amount":0}',
      headers: { 'content-type': 'application/json' },
    });
    const o = await last();
    assert.deepEqual(o.conformance.map((c) => c.pointer).sort(), ['/amount', 'query:dryRun']);
    await request(`${proxy.url}/v1/orders/abc`);
    assert.deepEqual(
      (await last()).conformance.map((c) => c.pointer),
      ['path:id'],
    );
    await request(`${proxy.url}/v1/orders/12`);
    assert.deepEqual((await last()).conformance, []);
    await request(`${proxy.url}/v1/orders`, { method: 'POST' });
    assert.deepEqual(
      (await last()).conformance.map((c) => c.pointer),
      ['body'],
    );
    await request(`${proxy.url}/v1/nothing`);
    const none = await last();
    assert.equal(none.operation, undefined);
    assert.match(none.conformance[0]?.message ?? '', /not an operation/);
  });

  test('operations named by a header (X-Amz-Target) are told apart', async () => {
    for (const target of ['Orders.Refund', 'Orders.Cancel']) {
      await request(`${proxy.url}/v1/`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      });
      const o = await last();
      assert.equal(o.operation, target === 'Orders.Refund' ? 'refundOrder' : 'cancelOrder');
      assert.deepEqual(o.conformance, []);
    }
  });

  test('client identity: the client header first, else the peer; secret query values redacted', async () => {
    await request(`${proxy.url}/v1/orders/1?api_key=abcdef123`, { headers: { 'x-client-id': 'partner-a' } });
    const named = await last();
    assert.equal(named.client, 'partner-a');
    assert.ok(!named.url.includes('abcdef123'));
    assert.ok(named.credentialFingerprint);
    await request(`${proxy.url}/v1/orders/1`);
    assert.equal((await last()).client, 'peer:127.0.0.1');
  });

  test('faults are recorded with status and Retry-After; a client that hangs up first is client-abort', async () => {
    proxy.addFault({ type: 'status', status: 429, retryAfter: 2, id: 'rl', first: 1 });
    await request(`${proxy.url}/v1/orders/1`);
    const limited = await last();
    assert.deepEqual(limited.fault, { id: 'rl', type: 'status' });
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterSeconds, 2);
    proxy.addFault({ type: 'latency', latency: 2_000, id: 'slow', first: 1 });
    const r = await request(`${proxy.url}/v1/orders/1`, { timeoutMs: 200 });
    assert.equal(r.error, 'TIMEOUT');
    const aborted = await last();
    assert.equal(aborted.outcome, 'client-abort');
    assert.equal(aborted.status, undefined);
    assert.deepEqual(aborted.fault, { id: 'slow', type: 'latency' });
  });

  test('the buffer is bounded: the newest are kept', async () => {
    for (let i = 0; i < 60; i++) await request(`${proxy.url}/v1/orders/${i}`);
    await waitFor(() => proxy.stats().active === 0);
    const list = proxy.observations();
    assert.equal(list.length, 50);
    assert.equal(list.at(-1)?.url, '/v1/orders/59');
    assert.ok(proxy.stats().observations.dropped > 0);
  });
});
