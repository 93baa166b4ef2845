// Checks that open their own sockets (tls, security's TLS probe, resilience's fault proxy) under the
// service's address guard, reached through ctx.http.lookup.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { idempotency } from '../../src/checks/idempotency.js';
import type { CheckContext } from '../../src/checks/kind.js';
import { resilience } from '../../src/checks/resilience.js';
import { probeTls } from '../../src/checks/security/tls.js';
import { tls } from '../../src/checks/tls.js';
import { TargetError } from '../../src/core/errors.js';
import { type AddressPolicy, createAddressGuard } from '../../src/http/address-guard.js';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import { loadSpec } from '../../src/openapi/index.js';
import { ORDERS_SPEC, startOrdersApi } from '../idempotency/orders-api.js';
import { certificates } from './helpers.js';

interface Counted {
  url: string;
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

async function listen(server: http.Server, host: string, scheme: string): Promise<Counted> {
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function context(baseUrl: string, policy: AddressPolicy): CheckContext {
  const redactor = new Redactor();
  return {
    checkId: 'c',
    environment: {
      name: 'sandbox',
      baseUrl,
      production: false,
      auth: { type: 'none' },
      variables: {},
      headerNames: [],
    },
    http: new HttpClient({ redactor, baseUrl, lookup: createAddressGuard(policy).lookup }),
    redactor,
    flows: { quote: [{ call: 'GET /quote', auth: true, validate: true, expect: { status: 200 } }] },
    seed: 1,
    baseDir: '.',
    progress: () => {},
    now: () => new Date(),
  };
}

const never = new AbortController().signal;

function isBlocked(e: unknown): boolean {
  assert.ok(e instanceof TargetError, String(e));
  assert.equal(e.code, 'ssrf.blocked');
  assert.match(e.message, /refused to connect to 127\.0\.0\.1 \(/);
  return true;
}

describe('TLS checks under the guard', () => {
  let server: Counted;
  before(async () => {
    const pems = await certificates();
    server = await listen(https.createServer({ key: pems.key, cert: pems.cert }), '127.0.0.1', 'https');
  });
  after(() => server.close());

  test('the tls check errors with ssrf.blocked (by name and by address), no finding, no connection', async () => {
    for (const url of [server.url, `https://localhost:${server.port}`]) {
      const ctx = context(url, {});
      try {
        await assert.rejects(tls.run(ctx, tls.options.parse(undefined), never), isBlocked);
      } finally {
        await ctx.http.close();
      }
    }
    assert.equal(server.connections(), 0);
  });

  test('the tls check handshakes when the address is allowed', async () => {
    const ctx = context(`https://localhost:${server.port}`, { allowPrivate: ['127.0.0.0/8', '::1'] });
    try {
      const report = await tls.run(ctx, tls.options.parse(undefined), never);
      assert.ok(report.measurements?.['tls.protocol']);
    } finally {
      await ctx.http.close();
    }
    assert.equal(server.connections(), 1);
  });

  test("security's TLS probe refuses too", async () => {
    const refuse = createAddressGuard().lookup;
    await assert.rejects(probeTls(server.url, undefined, never, refuse), isBlocked);
    await assert.rejects(probeTls(`https://localhost:${server.port}`, undefined, never, refuse), isBlocked);
    assert.equal(server.connections(), 1);
  });
});

describe('resilience under the guard', () => {
  let api: Counted;
  before(async () => {
    // On 127.0.0.2: the guard can allow the API while refusing 127.0.0.1, where the fault proxy listens.
    api = await listen(
      http.createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate":1}'),
      ),
      '127.0.0.2',
      'http',
    );
  });
  after(() => api.close());

  const options = resilience.options.parse({
    flows: ['quote'],
    budget: '2s',
    recovery: '3s',
    scenarios: [{ name: 'slow', faults: [{ type: 'latency', latency: '10ms' }] }],
  });

  test("the check reaches its own proxy; the proxy's upstream is the guarded side", async () => {
    const ctx = context(api.url, { allowPrivate: ['127.0.0.2/32'] });
    try {
      const report = await resilience.run(ctx, options, never);
      assert.deepEqual(report.findings, []);
      assert.ok(api.connections() > 0);
    } finally {
      await ctx.http.close();
    }
  });

  test('an environment the guard refuses errors the check before any traffic', async () => {
    const before = api.connections();
    const ctx = context(api.url, { allowPrivate: ['127.0.0.1/32'] });
    try {
      await assert.rejects(resilience.run(ctx, options, never), (e) => {
        assert.ok(e instanceof TargetError);
        assert.equal(e.code, 'ssrf.blocked');
        assert.match(
          e.message,
          /127\.0\.0\.2 \(loopback range 127\.0\.0\.0\/8, outside the allowed 127\.0\.0\.1\/32\)/,
        );
        return true;
      });
    } finally {
      await ctx.http.close();
    }
    assert.equal(api.connections(), before);
  });
});

describe('idempotency under the guard', () => {
  test("the lost-answer scenario reaches the check's own proxy; other hosts stay refused", async () => {
    const api = await startOrdersApi();
    const port = new URL(api.url).port;
    const dir = mkdtempSync(join(tmpdir(), 'gangway-guard-'));
    writeFileSync(join(dir, 'orders.yaml'), ORDERS_SPEC);
    // Only the name "localhost" may be reached: the fault proxy on 127.0.0.1 is refused unless exempted.
    const ctx = context(`http://localhost:${port}`, {
      allowHosts: ['localhost'],
      allowPrivate: ['127.0.0.0/8', '::1'],
    });
    ctx.spec = await loadSpec(join(dir, 'orders.yaml'));
    try {
      const report = await idempotency.run(ctx, idempotency.options.parse(undefined), never);
      assert.deepEqual(report.findings, []);
      assert.equal(report.measurements?.['behaviours.notJudged'], 0, report.summary);
      // the exemption ended with the proxy
      const after = await ctx.http
        .request({ method: 'GET', url: 'http://127.0.0.1:9/' })
        .catch((e: unknown) => e);
      assert.equal((after as TargetError).code, 'ssrf.blocked');
    } finally {
      await ctx.http.close();
      await api.close();
    }
  });
});
