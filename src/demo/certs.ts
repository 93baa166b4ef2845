import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface SandboxCertificates {
  /** PEM of the sandbox's own CA, which signs every certificate below: what clients trust. */
  ca: string;
  /** Valid from yesterday for 90 days. */
  valid: KeyAndCert;
  /** Same key and names, expired yesterday: what the `cert-expired` fault serves. */
  expired: KeyAndCert;
  /**
   * Same key and names, still valid but expiring in EXPIRING_DAYS_LEFT days: what the `cert-expiring`
   * fault serves. TLS accepts it; only a check that counts the days left notices.
   */
  expiring: KeyAndCert;
}

/** Whole days the `cert-expiring` certificate has left when the sandbox starts. */
export const EXPIRING_DAYS_LEFT = 3;

const DAY_MS = 86_400_000;

/**
 * Generates the sandbox's certificates for the names clients use to reach it, signed by a CA made for
 * this sandbox. A CA rather than one self-signed certificate because a client trusting a self-signed
 * certificate trusts exactly that one: the expiring certificate, a different one, would be refused as
 * untrusted instead of accepted with few days left. EC P-256 keeps generation at a few milliseconds;
 * the server certificates share one key pair and differ only in their validity, so a client sees
 * exactly "certificate has expired" for the expired one.
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
  const authority = await generate(
    [
      { name: 'commonName', value: 'Gangway demo sandbox CA' },
      { name: 'organizationName', value: 'Gangway demo sandbox' },
    ],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 92 * DAY_MS),
      notAfterDate: new Date(now + 365 * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  const ca = { key: authority.private, cert: authority.cert };
  const valid = await generate(attrs, {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 90 * DAY_MS),
    extensions,
    ca,
  });
  const keyPair = { privateKey: valid.private, publicKey: valid.public };
  const expired = await generate(attrs, {
    keyType: 'ec',
    algorithm: 'sha256',
    keyPair,
    notBeforeDate: new Date(now - 91 * DAY_MS),
    notAfterDate: new Date(now - DAY_MS),
    extensions,
    ca,
  });
  // Half a day over the whole days, so a check rounding the days left down reads EXPIRING_DAYS_LEFT
  // for the first twelve hours of the sandbox's life.
  const expiring = await generate(attrs, {
    keyType: 'ec',
    algorithm: 'sha256',
    keyPair,
    notBeforeDate: new Date(now - 87 * DAY_MS),
    notAfterDate: new Date(now + EXPIRING_DAYS_LEFT * DAY_MS + DAY_MS / 2),
    extensions,
    ca,
  });
  return {
    ca: authority.cert,
    valid: { key: valid.private, cert: valid.cert },
    expired: { key: expired.private, cert: expired.cert },
    expiring: { key: expiring.private, cert: expiring.cert },
  };
}

/** The certificate the HTTPS listener serves with these faults on (`cert-expired` wins over `cert-expiring`). */
export function certificateFor(certs: SandboxCertificates, faults: readonly string[]): KeyAndCert {
  if (faults.includes('cert-expired')) return certs.expired;
  if (faults.includes('cert-expiring')) return certs.expiring;
  return certs.valid;
}
