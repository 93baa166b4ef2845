// HttpClient.derive: a client for another base URL (a fault proxy in front of the target) that keeps the
// original's headers, auth and redaction, and shares its OAuth2 token instead of fetching another.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import { readBody, sendJson, serve, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('derive: same headers and auth on another base URL, one token for both, secrets redacted', async () => {
  let tokens = 0;
  const seen: { server: string; url: string; headers: Record<string, unknown> }[] = [];
  const target = await serve(async (req, res) => {
    await readBody(req);
    if (req.url === '/oauth/token') {
      tokens += 1;
      sendJson(res, 200, { access_token: 'tok-3f9a1c', token_type: 'Bearer', expires_in: 3600 });
      return;
    }
    seen.push({ server: 'target', url: req.url ?? '', headers: req.headers });
    sendJson(res, 200, { ok: true });
  });
  const front = await serve(async (req, res) => {
    await readBody(req);
    seen.push({ server: 'front', url: req.url ?? '', headers: req.headers });
    sendJson(res, 200, { ok: true });
  });
  servers.push(target, front);
  const redactor = new Redactor();
  redactor.addSecret('partner-sig-77');
  const client = new HttpClient({
    baseUrl: `${target.url}/v1`,
    redactor,
    headers: { 'x-partner-signature': 'partner-sig-77' },
    auth: {
      type: 'oauth2-client-credentials',
      tokenUrl: `${target.url}/oauth/token`,
      clientId: 'c1',
      clientSecret: 's3cr3t-client',
      clientAuth: 'body',
    },
  });
  const derived = client.derive({ baseUrl: `${front.url}/v1`, limits: { totalTimeoutMs: 2000 } });
  try {
    await client.request({ method: 'GET', url: '/a' });
    const res = await derived.request({ method: 'GET', url: '/b' });
    assert.deepEqual(
      seen.map((s) => `${s.server} ${s.url}`),
      ['target /v1/a', 'front /v1/b'],
    );
    for (const s of seen) {
      assert.equal(s.headers['x-partner-signature'], 'partner-sig-77');
      assert.equal(s.headers.authorization, 'Bearer tok-3f9a1c');
    }
    assert.equal(tokens, 1, 'the derived client shares the token');
    assert.equal(derived.limits.totalTimeoutMs, 2000);
    const evidence = JSON.stringify(res.exchange) + res.curl;
    assert.ok(!evidence.includes('partner-sig-77') && !evidence.includes('tok-3f9a1c'), evidence);
  } finally {
    await derived.close();
    await client.close();
  }
});
