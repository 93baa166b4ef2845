import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface SandboxCertificates {
  /** Valid from yesterday for 90 days. */
  valid: KeyAndCert;
  /** Same key and names, expired yesterday: what the `cert-expired` fault serves. */
  expired: KeyAndCert;
}

const DAY_MS = 86_400_000;

/**
 * Generates the sandbox's self-signed certificates for the names clients use to reach it.
 * EC P-256 keeps generation at a few milliseconds; both certificates share one key pair so a client
 * that trusts the valid one sees exactly "certificate has expired" for the other.
 */
export async function generateCertificates(host: string, now = Date.now()): Promise<SandboxCertificates> {
  const names = new Set(['localhost', '127.0.0.1', '::1', host]);
  const altNames = [...names].map((name) =>
    isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
  );
  const extensions = [
    { name: 'basicConstraints' as const, cA: false },
    { name: 'keyUsage' as const, digitalSignature: true, critical: true },
    { name: 'extKeyUsage' as const, serverAuth: true },
    { name: 'subjectAltName' as const, altNames },
  ];
  const attrs = [
    { name: 'commonName', value: isIP(host) ? 'localhost' : host },
    { name: 'organizationName', value: 'Gangway demo sandbox' },
  ];
  const valid = await generate(attrs, {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 90 * DAY_MS),
    extensions,
  });
  const expired = await generate(attrs, {
    keyType: 'ec',
    algorithm: 'sha256',
    keyPair: { privateKey: valid.private, publicKey: valid.public },
    notBeforeDate: new Date(now - 91 * DAY_MS),
    notAfterDate: new Date(now - DAY_MS),
    extensions,
  });
  return {
    valid: { key: valid.private, cert: valid.cert },
    expired: { key: expired.private, cert: expired.cert },
  };
}
