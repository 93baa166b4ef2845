import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import type { ResolvedAuth } from '../../src/http/types.js';
import { readBody, sendJson, serve, type TestServer } from './helpers.js';

const CLIENT_SECRET = 'CANARY-client-secret-5ea1';

describe('OAuth2 client credentials', () => {
  let server: TestServer;
  let tokenCalls: { body: URLSearchParams; authorization: string | undefined; path: string }[] = [];
  let issued: string[] = [];
  let expiresIn: number | undefined = 3600;
  let tokenStatus = 200;

  before(async () => {
    server = await serve(async (req, res) => {
      if (req.url === '/oauth/token' && req.method === 'POST') {
        const body = new URLSearchParams(await readBody(req));
        tokenCalls.push({ body, authorization: req.headers.authorization, path: req.url });
        if (tokenStatus !== 200) {
          sendJson(res, tokenStatus, {
            error: 'invalid_client',
            error_description: 'Client authentication failed',
          });
          return;
        }
        // Slow enough that concurrent requests overlap with the fetch.
        await new Promise((resolve) => setTimeout(resolve, 30));
        const token = `access-${issued.length + 1}-CANARY-token`;
        issued.push(token);
        const grant: Record<string, unknown> = {
          access_token: token,
          token_type: 'bearer',
          scope: 'payments:read',
        };
        if (expiresIn !== undefined) grant.expires_in = expiresIn;
        sendJson(res, 200, grant);
        return;
      }
      const presented = req.headers.authorization?.replace(/^Bearer /, '');
      if (!presented || !issued.includes(presented)) {
        sendJson(res, 401, { error: 'unauthorized' });
        return;
      }
      sendJson(res, 200, { token: presented });
    });
  });
  after(() => server.close());
  beforeEach(() => {
    tokenCalls = [];
    issued = [];
    expiresIn = 3600;
    tokenStatus = 200;
  });

  function auth(
    overrides: Partial<Extract<ResolvedAuth, { type: 'oauth2-client-credentials' }>> = {},
  ): ResolvedAuth {
    return {
      type: 'oauth2-client-credentials',
      tokenUrl: '/oauth/token',
      clientId: 'partner-42',
      clientSecret: CLIENT_SECRET,
      scope: 'payments:read',
      audience: 'https://api.example',
      clientAuth: 'body',
      ...overrides,
    };
  }

  async function using<T>(
    options: { auth?: ResolvedAuth; now?: () => number },
    fn: (c: HttpClient, r: Redactor) => Promise<T>,
  ): Promise<T> {
    const redactor = new Redactor();
    // The API lives under /v2; the token URL "/oauth/token" resolves against the origin.
    const c = new HttpClient({
      baseUrl: `${server.url}/v2`,
      redactor,
      auth: options.auth ?? auth(),
      now: options.now,
    });
    try {
      return await fn(c, redactor);
    } finally {
      await c.close();
    }
  }

  test('fetches one token with the client credentials in the form body and reuses it', async () => {
    await using({}, async (c) => {
      for (let i = 0; i < 3; i++) {
        const res = await c.request({ method: 'GET', url: '/payments' });
        assert.equal(res.status, 200);
        assert.equal(res.exchange.request.headers.authorization, 'Bearer [REDACTED]');
        assert.ok(!JSON.stringify(res.exchange).includes('CANARY'), JSON.stringify(res.exchange));
      }
      assert.equal(tokenCalls.length, 1);
      const form = tokenCalls[0]!.body;
      assert.equal(form.get('grant_type'), 'client_credentials');
      assert.equal(form.get('client_id'), 'partner-42');
      assert.equal(form.get('client_secret'), CLIENT_SECRET);
      assert.equal(form.get('scope'), 'payments:read');
      assert.equal(form.get('audience'), 'https://api.example');
      assert.equal(tokenCalls[0]!.authorization, undefined);
    });
  });

  test('client auth "basic" sends the credentials in an Authorization header', async () => {
    await using({ auth: auth({ clientAuth: 'basic' }) }, async (c) => {
      await c.request({ method: 'GET', url: '/payments' });
      const call = tokenCalls[0]!;
      assert.equal(
        call.authorization,
        `Basic ${Buffer.from(`partner-42:${CLIENT_SECRET}`).toString('base64')}`,
      );
      assert.equal(call.body.get('client_secret'), null);
    });
  });

  test('refreshes the token once it expires', async () => {
    let now = Date.UTC(2030, 0, 1);
    expiresIn = 60;
    await using({ now: () => now }, async (c) => {
      await c.request({ method: 'GET', url: '/payments' });
      const first = c.auth.tokenInfo()!;
      assert.equal(first.expiresAt.getTime(), now + 60_000);
      assert.equal(first.expiryAssumed, false);
      now += 30_000;
      await c.request({ method: 'GET', url: '/payments' });
      assert.equal(tokenCalls.length, 1, 'still valid half-way');
      now += 31_000;
      const res = await c.request({ method: 'GET', url: '/payments' });
      assert.equal(tokenCalls.length, 2, 'expired: fetched again');
      assert.deepEqual(res.json(), { token: issued[1] });
    });
  });

  test('refreshes for real after a short expires_in', async () => {
    expiresIn = 1;
    await using({}, async (c) => {
      await c.request({ method: 'GET', url: '/payments' });
      await c.request({ method: 'GET', url: '/payments' });
      assert.equal(tokenCalls.length, 1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await c.request({ method: 'GET', url: '/payments' });
      assert.equal(tokenCalls.length, 2);
    });
  });

  test('assumes 3600 s when the endpoint sends no expires_in', async () => {
    expiresIn = undefined;
    await using({}, async (c) => {
      const token = await c.auth.getToken();
      assert.ok(token);
      assert.equal(token.expiryAssumed, true);
      assert.equal(token.expiresAt.getTime() - token.obtainedAt.getTime(), 3_600_000);
      assert.equal(token.scope, 'payments:read');
      assert.equal(token.tokenType, 'Bearer');
    });
  });

  test('ten concurrent requests share one token fetch', async () => {
    await using({}, async (c) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => c.request({ method: 'GET', url: '/payments' })),
      );
      assert.equal(tokenCalls.length, 1);
      assert.ok(results.every((r) => r.status === 200));
    });
  });

  test('getToken({ force: true }) fetches a new token', async () => {
    await using({}, async (c) => {
      const a = await c.auth.getToken();
      const b = await c.auth.getToken();
      const forced = await c.auth.getToken({ force: true });
      assert.equal(a, b);
      assert.notEqual(forced?.accessToken, a?.accessToken);
      assert.equal(tokenCalls.length, 2);
    });
  });

  test('a 401 from the token endpoint is auth.token-request-failed with the OAuth error, never the secret', async () => {
    tokenStatus = 401;
    await using({}, async (c) => {
      const err = await c.request({ method: 'GET', url: '/payments' }).catch((e: unknown) => e);
      assert.ok(err instanceof HttpError, String(err));
      assert.equal(err.code, 'auth.token-request-failed');
      assert.match(err.message, /HTTP 401: invalid_client \(Client authentication failed\)/);
      assert.match(err.message, /\/oauth\/token/);
      const everything = JSON.stringify({ ...err, message: err.message });
      assert.ok(!everything.includes(CLIENT_SECRET), everything);
      assert.match(err.exchange.request.body!, /client_secret=\[REDACTED\]/);
    });
  });
});
