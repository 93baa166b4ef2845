import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import type { ResolvedAuth } from '../../src/http/types.js';
import { readBody, sendJson, serve, type TestServer } from './helpers.js';

/** A secret that must never show up in evidence, curl lines or error messages. */
const CANARY = 'CANARY-7f3e9a1c-d00d-secret';

function assertClean(what: string, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  assert.ok(!text.includes(CANARY), `${what} leaks the secret: ${text}`);
  assert.ok(
    !text.includes(encodeURIComponent(CANARY).replace(/-/g, '%2D')),
    `${what} leaks an encoded secret`,
  );
}

/** Everything an error exposes: message, own properties (code, exchange) and the evidence. */
function errorText(err: HttpError): string {
  return JSON.stringify({ ...err, message: err.message, exchange: err.exchange });
}

describe('redaction of evidence', () => {
  let server: TestServer;
  const received: { url: string; headers: Record<string, unknown>; body: string }[] = [];

  before(async () => {
    server = await serve(async (req, res) => {
      const body = await readBody(req);
      received.push({ url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/hang')) return; // never answers: for timeouts
      if (req.url?.startsWith('/not-json')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`token ${CANARY} is not JSON`);
        return;
      }
      // Echoes what it received, as careless APIs do, and sets a session cookie with the secret.
      res.setHeader('set-cookie', [`session=${CANARY}; Path=/; HttpOnly`, 'theme=dark']);
      sendJson(res, 200, { echo: { url: req.url, headers: req.headers, body }, access_token: CANARY });
    });
  });
  after(() => server.close());

  async function roundTrip(auth: ResolvedAuth, redactor = new Redactor()) {
    const client = new HttpClient({ baseUrl: server.url, redactor, auth });
    try {
      const res = await client.request({ method: 'POST', url: '/things', body: { name: 'widget' } });
      assert.equal(res.status, 200);
      return res;
    } finally {
      await client.close();
    }
  }

  test('bearer token: hidden in headers, echoed bodies, set-cookie and the curl line', async () => {
    const res = await roundTrip({ type: 'bearer', token: CANARY });
    assert.equal(received.at(-1)!.headers.authorization, `Bearer ${CANARY}`, 'the real token is sent');
    assert.equal(res.exchange.request.headers.authorization, 'Bearer [REDACTED]');
    assert.match(
      res.exchange.response!.headers['set-cookie']!,
      /^session=\[REDACTED\]; Path=\/; HttpOnly\ntheme=/,
    );
    assert.match(res.curl, /-H 'authorization: Bearer \[REDACTED\]'/);
    assertClean('exchange', res.exchange);
    assertClean('curl', res.curl);
    assertClean('response JSON', res);
  });

  test('api key in the query string: sent, hidden in the URL of the exchange and curl', async () => {
    const res = await roundTrip({ type: 'api-key', in: 'query', name: 'api_key', value: CANARY });
    assert.equal(new URL(received.at(-1)!.url, server.url).searchParams.get('api_key'), CANARY);
    assert.equal(res.exchange.request.url, `${server.url}/things?api_key=[REDACTED]`);
    assertClean('exchange', res.exchange);
    assertClean('curl', res.curl);
  });

  test('api key in a header or a cookie, and basic auth', async () => {
    for (const auth of [
      { type: 'api-key', in: 'header', name: 'X-Partner-Key', value: CANARY },
      { type: 'api-key', in: 'cookie', name: 'key', value: CANARY },
      { type: 'basic', username: 'partner', password: CANARY },
    ] satisfies ResolvedAuth[]) {
      const res = await roundTrip(auth);
      assertClean(`${auth.type} exchange`, res.exchange);
      assertClean(`${auth.type} curl`, res.curl);
    }
    const basic = Buffer.from(`partner:${CANARY}`).toString('base64');
    assert.equal(received.at(-1)!.headers.authorization, `Basic ${basic}`);
  });

  test('configured JSON fields are hidden in request and response bodies', async () => {
    const client = new HttpClient({
      baseUrl: server.url,
      redactor: new Redactor({ fields: ['cardNumber'] }),
    });
    try {
      const res = await client.request({
        method: 'POST',
        url: '/cards',
        body: { cardNumber: '4111111111111111', holder: 'A. Person', password: 'pw-in-body' },
      });
      const evidence = JSON.stringify(res.exchange);
      assert.ok(!evidence.includes('4111111111111111'), evidence);
      assert.ok(!evidence.includes('pw-in-body'), evidence);
      assert.ok(evidence.includes('A. Person'), 'other fields stay readable');
      assert.ok(!res.curl.includes('4111111111111111'));
      assert.match(res.exchange.request.body!, /"cardNumber":"\[REDACTED\]"/);
    } finally {
      await client.close();
    }
  });

  test('error messages and error evidence never carry the secret', async () => {
    const client = new HttpClient({
      baseUrl: server.url,
      redactor: new Redactor(),
      auth: { type: 'api-key', in: 'query', name: 'key', value: CANARY },
      limits: { headersTimeoutMs: 50 },
    });
    try {
      const timeout = await client
        .request({ method: 'GET', url: `/hang/${CANARY}` })
        .catch((e: unknown) => e);
      assert.ok(timeout instanceof HttpError);
      assert.equal(timeout.code, 'http.timeout');
      assertClean('timeout error', errorText(timeout));

      const res = await client.request({ method: 'GET', url: '/not-json' });
      const invalid = (() => {
        try {
          res.json();
        } catch (e) {
          return e;
        }
      })();
      assert.ok(invalid instanceof HttpError);
      assert.equal(invalid.code, 'http.invalid-json');
      assertClean('invalid-json error', errorText(invalid));
    } finally {
      await client.close();
    }
  });

  test('a refused connection error hides the secret in the URL', async () => {
    const gone = await serve(() => {});
    const url = gone.url;
    await gone.close();
    const redactor = new Redactor({ secrets: [CANARY] });
    const client = new HttpClient({ baseUrl: url, redactor });
    try {
      const err = await client.request({ method: 'GET', url: `/x?token=${CANARY}` }).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError);
      assertClean('connect error', errorText(err));
    } finally {
      await client.close();
    }
  });
});
