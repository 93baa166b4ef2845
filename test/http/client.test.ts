import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { CancelledError } from '../../src/core/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import { readBody, sendJson, serve, type TestServer } from './helpers.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** Resolves with the HttpError a promise rejects with (fails the test if it resolves or throws another). */
async function httpError(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HttpError, `expected HttpError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('HttpClient basics', () => {
  let server: TestServer;
  let client: HttpClient;
  const seen: { url: string; headers: Record<string, unknown>; body: string }[] = [];

  before(async () => {
    server = await serve(async (req, res) => {
      const body = await readBody(req);
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/api/not-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>oops</html>');
        return;
      }
      sendJson(res, 200, { ok: true, url: req.url });
    });
    client = new HttpClient({ baseUrl: `${server.url}/api/`, redactor: new Redactor(), version: '1.2.3' });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('sends W3C traceparent, x-correlation-id and the user-agent; the exchange records the trace id', async () => {
    const res = await client.request({ method: 'GET', url: '/things', operation: 'listThings' });
    const headers = seen.at(-1)!.headers;
    const m = TRACEPARENT.exec(String(headers.traceparent));
    assert.ok(m, `bad traceparent ${String(headers.traceparent)}`);
    assert.equal(headers['x-correlation-id'], m[1]);
    assert.equal(headers['user-agent'], 'gangway/1.2.3');
    assert.equal(res.exchange.traceId, m[1]);
    assert.equal(res.exchange.operation, 'listThings');
    assert.equal(seen.at(-1)!.url, '/api/things');
    const again = await client.request({ method: 'GET', url: 'things' });
    assert.notEqual(again.exchange.traceId, res.exchange.traceId);
  });

  test('keeps a traceparent the caller set', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await client.request({ method: 'GET', url: '/t', headers: { TraceParent: tp } });
    assert.equal(seen.at(-1)!.headers.traceparent, tp);
    assert.equal(seen.at(-1)!.headers['x-correlation-id'], '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(res.exchange.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('records connect and first-byte timings on a new connection, none on a reused one', async () => {
    const fresh = new HttpClient({ baseUrl: server.url, redactor: new Redactor() });
    try {
      const before = server.connections();
      const first = await fresh.request({ method: 'GET', url: '/a' });
      assert.equal(typeof first.timings.connect, 'number');
      assert.equal(first.timings.dns, undefined, 'an IP address needs no DNS lookup');
      assert.equal(first.timings.tls, undefined);
      assert.ok(first.timings.firstByte! > 0);
      assert.ok(first.timings.total >= first.timings.firstByte! + first.timings.connect!);
      // undici hands a socket back one event-loop turn after a response ends.
      await new Promise((resolve) => setImmediate(resolve));
      const second = await fresh.request({ method: 'GET', url: '/b' });
      assert.equal(server.connections() - before, 1, 'the connection is kept alive and reused');
      assert.equal(second.timings.connect, undefined);
      assert.ok(second.timings.firstByte! > 0);
      assert.deepEqual(second.exchange.timings, second.timings);
    } finally {
      await fresh.close();
    }
  });

  test('a host name adds a DNS phase', async () => {
    const byName = new HttpClient({
      baseUrl: server.url.replace('127.0.0.1', 'localhost'),
      redactor: new Redactor(),
    });
    try {
      const res = await byName.request({ method: 'GET', url: '/dns' });
      assert.equal(typeof res.timings.dns, 'number');
      assert.equal(typeof res.timings.connect, 'number');
    } finally {
      await byName.close();
    }
  });

  test('serialises JSON bodies, sends strings as they are, repeats array query parameters', async () => {
    await client.request({
      method: 'POST',
      url: '/j',
      body: { a: 1 },
      query: { tag: ['x', 'y z'], n: 2, skip: undefined },
    });
    const sent = seen.at(-1)!;
    assert.equal(sent.url, '/api/j?tag=x&tag=y%20z&n=2');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.body, '{"a":1}');
    await client.request({
      method: 'PUT',
      url: '/s',
      body: 'plain',
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(seen.at(-1)!.body, 'plain');
    assert.equal(seen.at(-1)!.headers['content-type'], 'text/plain');
  });

  test('json() parses once and caches; a non-JSON body is http.invalid-json', async () => {
    const res = await client.request({ method: 'GET', url: '/x' });
    assert.equal(res.json(), res.json());
    assert.deepEqual(res.json(), { ok: true, url: '/api/x' });
    assert.equal(res.contentType, 'application/json');
    const bad = await client.request({ method: 'GET', url: '/not-json', headers: {} });
    assert.equal(bad.text(), '<html>oops</html>');
    assert.throws(
      () => bad.json(),
      (err: unknown) => err instanceof HttpError && err.code === 'http.invalid-json',
    );
  });

  test('a caller abort rejects with CancelledError', async () => {
    const slow = await serve(() => {}); // never answers
    const c = new HttpClient({ baseUrl: slow.url, redactor: new Redactor() });
    try {
      const ac = new AbortController();
      const p = c.request({ method: 'GET', url: '/' }, ac.signal);
      setTimeout(() => ac.abort(), 20);
      await assert.rejects(p, CancelledError);
    } finally {
      await c.close();
      await slow.close();
    }
  });
});

describe('HttpClient limits', () => {
  let server: TestServer;
  const big = 'x'.repeat(5000);
  const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));

  before(async () => {
    server = await serve((req, res) => {
      switch (req.url) {
        case '/slow-headers':
          setTimeout(() => res.end('late'), 3000).unref();
          return;
        case '/slow-body':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('a');
          setTimeout(() => res.end('b'), 3000).unref();
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': big.length });
          res.end(big);
          return;
        case '/big-chunked':
          res.writeHead(200, { 'content-type': 'text/plain' });
          for (let i = 0; i < 5; i++) res.write(big);
          res.end();
          return;
        case '/bomb':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(bomb);
          return;
        case '/gzip':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(zlib.gzipSync('{"zipped":true}'));
          return;
        case '/br':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
          res.end(zlib.brotliCompressSync('{"brotli":true}'));
          return;
        case '/loop':
          res.writeHead(302, { location: '/loop' });
          res.end();
          return;
        case '/hop':
          res.writeHead(301, { location: '/gzip' });
          res.end();
          return;
        default:
          sendJson(res, 404, { error: 'not found' });
      }
    });
  });
  after(() => server.close());

  async function withClient<T>(
    limits: ConstructorParameters<typeof HttpClient>[0]['limits'],
    fn: (c: HttpClient) => Promise<T>,
  ) {
    const c = new HttpClient({ baseUrl: server.url, redactor: new Redactor(), limits });
    try {
      return await fn(c);
    } finally {
      await c.close();
    }
  }

  test('slow response headers give http.timeout quickly', async () => {
    const started = Date.now();
    const err = await withClient({ headersTimeoutMs: 100 }, (c) =>
      httpError(c.request({ method: 'GET', url: '/slow-headers' })),
    );
    assert.equal(err.code, 'http.timeout');
    assert.match(err.message, /headers within 100 ms/);
    assert.ok(Date.now() - started < 1500);
    assert.equal(err.exchange.error?.code, 'http.timeout');
    assert.equal(err.exchange.response, undefined);
  });

  test('the total timeout bounds a trickling body', async () => {
    const err = await withClient({ totalTimeoutMs: 150 }, (c) =>
      httpError(c.request({ method: 'GET', url: '/slow-body' })),
    );
    assert.equal(err.code, 'http.timeout');
    assert.match(err.message, /150 ms/);
    assert.equal(err.exchange.response?.status, 200, 'headers had arrived');
  });

  test('a per-request timeoutMs overrides the total timeout', async () => {
    const err = await withClient({}, (c) =>
      httpError(c.request({ method: 'GET', url: '/slow-headers', timeoutMs: 80 })),
    );
    assert.equal(err.code, 'http.timeout');
  });

  test('a body over maxBodyBytes is http.body-too-large, with or without content-length', async () => {
    await withClient({ maxBodyBytes: 1000 }, async (c) => {
      for (const url of ['/big', '/big-chunked']) {
        const err = await httpError(c.request({ method: 'GET', url }));
        assert.equal(err.code, 'http.body-too-large', url);
      }
      const ok = await c.request({ method: 'GET', url: '/nothing' });
      assert.equal(ok.status, 404, 'the client still works afterwards');
    });
  });

  test('evidence keeps evidenceBodyBytes of a body and says it was cut; the response keeps all of it', async () => {
    await withClient({ evidenceBodyBytes: 100 }, async (c) => {
      const res = await c.request({ method: 'GET', url: '/big' });
      assert.equal(res.body.length, 5000);
      assert.equal(res.exchange.response?.body?.length, 100);
      assert.equal(res.exchange.response?.bodyTruncated, true);
      assert.equal(res.exchange.response?.size, 5000);
    });
  });

  test('gzip and brotli bodies are decoded; a gzip bomb stops at maxDecompressedBytes', async () => {
    await withClient({ maxDecompressedBytes: 1024 * 1024 }, async (c) => {
      assert.deepEqual((await c.request({ method: 'GET', url: '/gzip' })).json(), { zipped: true });
      assert.deepEqual((await c.request({ method: 'GET', url: '/br' })).json(), { brotli: true });
      const err = await httpError(c.request({ method: 'GET', url: '/bomb' }));
      assert.equal(err.code, 'http.decompression-limit');
      assert.equal(err.exchange.response?.status, 200);
    });
  });

  test('redirects are followed for GET, a loop ends with http.too-many-redirects', async () => {
    await withClient({ maxRedirects: 3 }, async (c) => {
      const res = await c.request({ method: 'GET', url: '/hop' });
      assert.equal(res.status, 200);
      assert.match(res.exchange.request.url, /\/gzip$/);
      const err = await httpError(c.request({ method: 'GET', url: '/loop' }));
      assert.equal(err.code, 'http.too-many-redirects');
      assert.equal(err.exchange.response?.status, 302);
      const post = await c.request({ method: 'POST', url: '/hop', body: {} });
      assert.equal(post.status, 301, 'POST redirects are returned, not followed');
    });
    await withClient({ maxRedirects: 0 }, async (c) => {
      assert.equal((await c.request({ method: 'GET', url: '/hop' })).status, 301);
    });
  });

  test('a refused connection is http.connect-failed with the exchange attached', async () => {
    const gone = await serve(() => {});
    const url = gone.url;
    await gone.close();
    const c = new HttpClient({ baseUrl: url, redactor: new Redactor() });
    try {
      const err = await httpError(c.request({ method: 'GET', url: '/x' }));
      assert.equal(err.code, 'http.connect-failed');
      assert.match(err.message, /connection refused/);
      assert.equal(err.exchange.request.url, `${url}/x`);
      assert.equal(err.exchange.error?.code, 'http.connect-failed');
    } finally {
      await c.close();
    }
  });
});

describe('HttpClient redirects across origins', () => {
  test('Authorization is dropped on a cross-origin redirect and kept on a same-origin one', async () => {
    const seen: (string | undefined)[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers.authorization);
      sendJson(res, 200, {});
    });
    const first = await serve((req, res) => {
      if (req.url === '/same') {
        res.writeHead(307, { location: '/final' });
        res.end();
        return;
      }
      if (req.url === '/final') {
        seen.push(req.headers.authorization);
        sendJson(res, 200, {});
        return;
      }
      res.writeHead(302, { location: `${other.url}/elsewhere` });
      res.end();
    });
    const c = new HttpClient({
      baseUrl: first.url,
      redactor: new Redactor(),
      auth: { type: 'bearer', token: 'token-for-first-origin' },
    });
    try {
      await c.request({ method: 'GET', url: '/same' });
      assert.equal(seen.at(-1), 'Bearer token-for-first-origin');
      const res = await c.request({ method: 'GET', url: '/away' });
      assert.equal(res.status, 200);
      assert.equal(seen.at(-1), undefined);
      assert.equal(res.exchange.request.headers.authorization, undefined);
    } finally {
      await c.close();
      await first.close();
      await other.close();
    }
  });
});
