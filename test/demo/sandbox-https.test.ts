import assert from 'node:assert/strict';
import { request } from 'node:https';
import { describe, test } from 'node:test';
import { connect, type PeerCertificate } from 'node:tls';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';

interface Handshake {
  authorized: boolean;
  error?: string;
  cert: PeerCertificate;
  protocol: string | null;
}

/** Opens a fresh TLS connection trusting only the sandbox's CA and reports what was served. */
function handshake(sandbox: Sandbox): Promise<Handshake> {
  const url = new URL(sandbox.httpsUrl!);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: url.hostname,
        port: Number(url.port),
        ca: sandbox.ca,
        servername: 'localhost',
        rejectUnauthorized: false,
      },
      () => {
        const result: Handshake = {
          authorized: socket.authorized,
          cert: socket.getPeerCertificate(),
          protocol: socket.getProtocol(),
          ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        };
        socket.end();
        resolve(result);
      },
    );
    socket.once('error', reject);
  });
}

const DAY_MS = 86_400_000;
const daysLeft = (cert: PeerCertificate) => (Date.parse(cert.valid_to) - Date.now()) / DAY_MS;

describe('HTTPS listener', () => {
  test('serves a valid certificate that the returned CA verifies, and the API over TLS', async (t) => {
    const sandbox = await startSandbox({ https: true });
    t.after(() => sandbox.close());
    assert.match(sandbox.httpsUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sandbox.ca ?? '', /^-----BEGIN CERTIFICATE-----/);
    const served = await handshake(sandbox);
    assert.equal(served.authorized, true, served.error);
    assert.ok(daysLeft(served.cert) > 80, served.cert.valid_to);
    assert.match(served.cert.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);
    assert.ok(served.protocol === 'TLSv1.3' || served.protocol === 'TLSv1.2');

    const status = await new Promise<number>((resolve, reject) => {
      request(`${sandbox.httpsUrl}/health`, { ca: sandbox.ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 200);
  });

  test('cert-expired serves a certificate that expired yesterday, and switches back at run time', async (t) => {
    const sandbox = await startSandbox({ https: { port: 0 } });
    t.after(() => sandbox.close());
    sandbox.setFaults(['cert-expired']);
    const expired = await handshake(sandbox);
    assert.equal(expired.authorized, false);
    assert.equal(expired.error, 'CERT_HAS_EXPIRED');
    const left = daysLeft(expired.cert);
    assert.ok(left < 0 && left > -2, `expired ${-left} days ago (${expired.cert.valid_to})`);

    sandbox.setFaults([]);
    assert.equal((await handshake(sandbox)).authorized, true);

    const res = await fetch(`${sandbox.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: ['cert-expired'] }),
    });
    assert.equal(res.status, 200);
    assert.equal((await handshake(sandbox)).error, 'CERT_HAS_EXPIRED');
  });

  test('cert-expired at start; the HTTP listener is unaffected', async (t) => {
    const sandbox = await startSandbox({ https: true, faults: ['cert-expired'] });
    t.after(() => sandbox.close());
    assert.equal((await handshake(sandbox)).error, 'CERT_HAS_EXPIRED');
    assert.equal((await fetch(`${sandbox.url}/health`)).status, 200);
  });

  test('without https there is no HTTPS URL', async (t) => {
    const sandbox = await startSandbox();
    t.after(() => sandbox.close());
    assert.equal(sandbox.httpsUrl, undefined);
    assert.equal(sandbox.ca, undefined);
  });
});
