import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { TargetError } from '../../src/core/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/http/redact.js';
import type { ResolvedTls } from '../../src/http/types.js';
import { certificates, sendJson, serveTls, type TestServer } from './helpers.js';

describe('HTTPS', () => {
  let pems: Awaited<ReturnType<typeof certificates>>;
  let server: TestServer;
  let mtls: TestServer;

  before(async () => {
    pems = await certificates();
    server = await serveTls({ key: pems.key, cert: pems.cert }, (_req, res) =>
      sendJson(res, 200, { secure: true }),
    );
    mtls = await serveTls(
      { key: pems.key, cert: pems.cert, ca: pems.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        sendJson(res, 200, { client: peer.subject?.CN });
      },
    );
  });
  after(async () => {
    await server.close();
    await mtls.close();
  });

  async function get(url: string, tls?: ResolvedTls) {
    const c = new HttpClient({ baseUrl: url, redactor: new Redactor(), tls });
    try {
      return await c.request({ method: 'GET', url: '/' });
    } finally {
      await c.close();
    }
  }

  test('a self-signed certificate is rejected by default with http.tls and the reason', async () => {
    const err = await get(server.url).catch((e: unknown) => e);
    assert.ok(err instanceof HttpError, String(err));
    assert.equal(err.code, 'http.tls');
    assert.match(err.message, /self[- ]signed/i);
    assert.equal(err.exchange.error?.code, 'http.tls');
  });

  test('the certificate is accepted when given as ca, with a TLS phase in the timings', async () => {
    const res = await get(server.url, { ca: pems.cert });
    assert.deepEqual(res.json(), { secure: true });
    assert.equal(typeof res.timings.connect, 'number');
    assert.equal(typeof res.timings.tls, 'number');
    assert.ok(res.timings.tls! > 0);
  });

  test('insecure skips verification', async () => {
    const res = await get(server.url, { insecure: true });
    assert.equal(res.status, 200);
  });

  test('mTLS: without a client certificate the server refuses, with one it answers', async () => {
    const err = await get(mtls.url, { ca: pems.cert }).catch((e: unknown) => e);
    assert.ok(err instanceof TargetError, String(err));
    assert.ok(['http.tls', 'http.reset'].includes(err.code), err.code);
    const res = await get(mtls.url, { ca: pems.cert, cert: pems.clientCert, key: pems.clientKey });
    assert.deepEqual(res.json(), { client: 'gangway-test-client' });
  });
});
