import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { connect, createServer, type PeerCertificate } from 'node:tls';
import { certificateFor, EXPIRING_DAYS_LEFT, generateCertificates, type KeyAndCert } from './certs.js';
import { FAULTS } from './faults.js';
import { startSandbox } from './sandbox.js';

const DAY_MS = 86_400_000;

interface Seen {
  authorized: boolean;
  error?: string;
  cert: PeerCertificate;
}

/** One handshake with a client that trusts only `ca`, reporting what it made of the served certificate. */
function handshake(port: number, ca: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, ca, servername: 'localhost', rejectUnauthorized: false },
      () => {
        const seen: Seen = {
          authorized: socket.authorized,
          cert: socket.getPeerCertificate(),
          ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        };
        socket.end();
        resolve(seen);
      },
    );
    socket.once('error', reject);
  });
}

async function serve(pair: KeyAndCert): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer({ ...pair, minVersion: 'TLSv1.2' }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const daysLeft = (pem: string, now: number) =>
  Math.floor((Date.parse(new X509Certificate(pem).validTo) - now) / DAY_MS);

describe('sandbox certificates', () => {
  test('the expiring certificate has EXPIRING_DAYS_LEFT whole days left, the valid one 89, the expired one < 0', async () => {
    const now = Date.now();
    const certs = await generateCertificates('127.0.0.1', now);
    assert.equal(daysLeft(certs.expiring.cert, now), EXPIRING_DAYS_LEFT);
    assert.equal(daysLeft(certs.expiring.cert, now + 11 * 3600_000), EXPIRING_DAYS_LEFT, 'for half a day');
    assert.equal(daysLeft(certs.valid.cert, now), 89);
    // Validity times have whole seconds: "expired a day ago" rounds down to -2 by a fraction of a second.
    assert.ok(daysLeft(certs.expired.cert, now) < 0);
    const fault = FAULTS.find((f) => f.name === 'cert-expiring');
    assert.match(fault?.description ?? '', new RegExp(`expires in ${EXPIRING_DAYS_LEFT} days`));
  });

  test('a client trusting the sandbox CA accepts the expiring one: TLS sees nothing wrong', async (t) => {
    const certs = await generateCertificates('127.0.0.1');
    const server = await serve(certs.expiring);
    t.after(() => server.close());
    const seen = await handshake(server.port, certs.ca);
    assert.equal(seen.authorized, true, seen.error);
    const left = (Date.parse(seen.cert.valid_to) - Date.now()) / DAY_MS;
    assert.ok(left > EXPIRING_DAYS_LEFT && left < EXPIRING_DAYS_LEFT + 1, `${left} days left`);
  });

  test('certificateFor: cert-expired wins over cert-expiring, no fault serves the valid one', async () => {
    const certs = await generateCertificates('localhost');
    assert.equal(certificateFor(certs, []), certs.valid);
    assert.equal(certificateFor(certs, ['slow']), certs.valid);
    assert.equal(certificateFor(certs, ['cert-expiring']), certs.expiring);
    assert.equal(certificateFor(certs, ['cert-expiring', 'cert-expired']), certs.expired);
  });

  test('the sandbox switches to the expiring certificate and back at run time', async (t) => {
    const sandbox = await startSandbox({ https: true, faults: ['cert-expiring'] });
    t.after(() => sandbox.close());
    const port = Number(new URL(sandbox.httpsUrl!).port);
    const expiring = await handshake(port, sandbox.ca!);
    assert.equal(expiring.authorized, true, expiring.error);
    assert.ok((Date.parse(expiring.cert.valid_to) - Date.now()) / DAY_MS < EXPIRING_DAYS_LEFT + 1);
    sandbox.setFaults([]);
    const valid = await handshake(port, sandbox.ca!);
    assert.ok((Date.parse(valid.cert.valid_to) - Date.now()) / DAY_MS > 80, valid.cert.valid_to);
    sandbox.setFaults(['cert-expiring', 'cert-expired']);
    assert.equal((await handshake(port, sandbox.ca!)).error, 'CERT_HAS_EXPIRED');
  });
});
