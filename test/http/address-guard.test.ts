// The outbound address guard wired into the HTTP client and raw TLS sockets, against real servers on
// 127.0.0.1 (and 127.0.0.2 for the redirect target): refused connections never reach the server.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { fetch } from 'undici';
import { type AddressPolicy, createAddressGuard, guardedAgent } from '../../src/http/address-guard.js';
import { HttpClient } from '../../src/http/client.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import { certificates, sendJson, serve, type TestServer } from './helpers.js';

function client(policy: AddressPolicy, baseUrl?: string, maxRedirects?: number): HttpClient {
  return new HttpClient({
    ...(baseUrl && { baseUrl }),
    redactor: new Redactor(),
    lookup: createAddressGuard(policy).lookup,
    limits: { totalTimeoutMs: 10_000, ...(maxRedirects !== undefined && { maxRedirects }) },
  });
}

async function get(c: HttpClient, url: string): Promise<number> {
  try {
    return (await c.request({ method: 'GET', url })).status;
  } finally {
    await c.close();
  }
}

async function blocked(c: HttpClient, url: string): Promise<HttpError> {
  try {
    await c.request({ method: 'GET', url });
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  } finally {
    await c.close();
  }
  throw new Error(`${url} was not refused`);
}

/** An HTTP server on 127.0.0.2 (Linux routes all of 127/8 to loopback) counting its connections. */
async function serveOn2(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = http.createServer((_req, res) => sendJson(res, 200, { on: '127.0.0.2' }));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return {
    url: `http://127.0.0.2:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('HttpClient with an address guard', () => {
  let server: TestServer;
  let other: Awaited<ReturnType<typeof serveOn2>>;
  let redirector: TestServer;

  before(async () => {
    server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    other = await serveOn2();
    redirector = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/landed` });
      res.end();
    });
  });
  after(async () => {
    await server.close();
    await other.close();
    await redirector.close();
  });

  test('private targets refused: ssrf.blocked, the message names the address and the rule, no connection', async () => {
    const error = await blocked(client({}), `${server.url}/`);
    assert.equal(error.code, 'ssrf.blocked');
    assert.match(error.message, /^refused to connect to 127\.0\.0\.1 \(loopback range 127\.0\.0\.0\/8\)/);
    assert.match(error.message, /--allow-private-targets/);
    assert.equal(error.exchange.error?.code, 'ssrf.blocked');
    assert.equal(server.connections(), 0);
  });

  test('a name that resolves to loopback is refused too', async () => {
    const error = await blocked(client({}), `http://localhost:${server.port}/`);
    assert.equal(error.code, 'ssrf.blocked');
    assert.match(error.message, /\(localhost → loopback range/);
    assert.equal(server.connections(), 0);
  });

  test('allowPrivate 127.0.0.0/8 lets the request through, by address and by name', async () => {
    const before = server.connections();
    assert.equal(await get(client({ allowPrivate: ['127.0.0.0/8'] }), `${server.url}/`), 200);
    assert.equal(
      await get(client({ allowPrivate: ['127.0.0.0/8', '::1'] }), `http://localhost:${server.port}/`),
      200,
    );
    assert.equal(server.connections(), before + 2);
  });

  test('a host outside allowHosts is refused even when private targets are allowed', async () => {
    const before = server.connections();
    const error = await blocked(
      client({ allowHosts: ['api.example.com'], allowPrivate: true }),
      `http://localhost:${server.port}/`,
    );
    assert.equal(error.code, 'ssrf.blocked');
    assert.match(error.message, /localhost: not one of the hosts this run may reach \(api\.example\.com\)/);
    assert.equal(server.connections(), before);
    assert.equal(
      await get(
        client({ allowHosts: ['LOCALHOST'], allowPrivate: true }),
        `http://localhost:${server.port}/`,
      ),
      200,
    );
  });

  test('a redirect to a refused address is refused, and the redirect target sees no connection', async () => {
    const error = await blocked(
      client({ allowPrivate: ['127.0.0.1/32'] }, undefined, 5),
      `${redirector.url}/`,
    );
    assert.equal(error.code, 'ssrf.blocked');
    assert.match(
      error.message,
      /127\.0\.0\.2 \(loopback range 127\.0\.0\.0\/8, outside the allowed 127\.0\.0\.1\/32\)/,
    );
    assert.equal(other.connections(), 0);
    // the same redirect with 127.0.0.2 allowed is followed: the refusal above was the guard's doing
    assert.equal(
      await get(client({ allowPrivate: ['127.0.0.0/8'] }, undefined, 5), `${redirector.url}/`),
      200,
    );
    assert.equal(other.connections(), 1);
  });

  test('derive() keeps the guard; exemptOrigin opens one origin only, until undone', async () => {
    const base = client({});
    const derived = base.derive({ baseUrl: server.url });
    assert.equal(derived.lookup, base.lookup);
    await base.close();
    const undo = derived.exemptOrigin(server.url);
    try {
      assert.equal((await derived.request({ method: 'GET', url: '/' })).status, 200);
      const elsewhere = await derived
        .request({ method: 'GET', url: `${other.url}/` })
        .catch((e: unknown) => e);
      assert.equal((elsewhere as HttpError).code, 'ssrf.blocked');
      undo();
      // kept-alive sockets stay usable; a new connection is vetted again
      const fresh = derived.derive({ baseUrl: server.url });
      const again = await fresh.request({ method: 'GET', url: '/' }).catch((e: unknown) => e);
      await fresh.close();
      assert.equal((again as HttpError).code, 'ssrf.blocked');
    } finally {
      await derived.close();
    }
  });

  test("guardedAgent: undici's fetch through the guard, redirects included", async () => {
    const refuse = guardedAgent(createAddressGuard().lookup);
    const only1 = guardedAgent(createAddressGuard({ allowPrivate: ['127.0.0.1/32'] }).lookup);
    const seen = other.connections();
    try {
      for (const url of [`${server.url}/`, `http://localhost:${server.port}/`]) {
        const error = await fetch(url, { dispatcher: refuse }).catch((e: unknown) => e);
        assert.equal((error as { cause?: { code?: string } }).cause?.code, 'EGANGWAYBLOCKED', url);
      }
      assert.equal((await fetch(`${server.url}/`, { dispatcher: only1 })).status, 200);
      const redirected = await fetch(`${redirector.url}/`, { dispatcher: only1 }).catch((e: unknown) => e);
      assert.match(
        String((redirected as { cause?: Error }).cause?.message),
        /refused to connect to 127\.0\.0\.2/,
      );
      assert.equal(other.connections(), seen);
    } finally {
      await refuse.close();
      await only1.close();
    }
  });

  test('DNS rebinding: a name that re-resolves to a refused address is refused on the next connection', async () => {
    const answers = ['127.0.0.1', '10.0.0.5'];
    let asked = 0;
    const guard = createAddressGuard(
      { allowPrivate: ['127.0.0.1/32'] },
      {
        resolve: (_host, _options, callback) => {
          const address = answers[Math.min(asked++, answers.length - 1)]!;
          process.nextTick(callback, null, [{ address, family: 4 }]);
        },
      },
    );
    const c = new HttpClient({
      redactor: new Redactor(),
      lookup: guard.lookup,
      limits: { totalTimeoutMs: 10_000 },
    });
    const url = `http://rebind.test:${server.port}/`;
    try {
      // "connection: close": the next request needs a new connection, hence a new lookup
      const first = await c.request({ method: 'GET', url, headers: { connection: 'close' } });
      assert.equal(first.status, 200);
      const second = await c.request({ method: 'GET', url }).catch((e: unknown) => e);
      assert.equal((second as HttpError).code, 'ssrf.blocked');
      assert.match(
        (second as HttpError).message,
        /refused to connect to 10\.0\.0\.5 \(rebind\.test → private range/,
      );
      assert.equal(asked, 2);
    } finally {
      await c.close();
    }
  });

  test('without a lookup nothing changes', async () => {
    const c = new HttpClient({ redactor: new Redactor() });
    assert.equal(c.lookup, undefined);
    assert.equal(await get(c, `${server.url}/`), 200);
  });
});

describe('raw TLS sockets through the guard', () => {
  let server: https.Server;
  let port = 0;
  let connections = 0;
  before(async () => {
    const pems = await certificates();
    server = https.createServer({ key: pems.key, cert: pems.cert }, (_req, res) => sendJson(res, 200, {}));
    // TCP connections, counted before any handshake
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function handshake(host: string, policy: AddressPolicy): Promise<NodeJS.ErrnoException | undefined> {
    return new Promise((resolve) => {
      const socket = connect({
        host,
        port,
        rejectUnauthorized: false,
        lookup: createAddressGuard(policy).lookup,
        timeout: 10_000,
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (error) => {
        socket.destroy();
        resolve(error);
      });
    });
  }

  test('tls.connect to localhost is refused before any connection', async () => {
    const error = await handshake('localhost', {});
    assert.equal(error?.code, 'EGANGWAYBLOCKED');
    assert.match(error!.message, /refused to connect to 127\.0\.0\.1 \(localhost → loopback range/);
    assert.equal(connections, 0);
  });

  test('tls.connect with loopback allowed completes the handshake', async () => {
    assert.equal(await handshake('localhost', { allowPrivate: ['127.0.0.0/8', '::1'] }), undefined);
    assert.equal(connections, 1);
  });
});
