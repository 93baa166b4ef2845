import type { LookupFunction } from 'node:net';
import { connect, type SecureVersion } from 'node:tls';
import { TargetError } from '../../core/errors.js';
import type { Finding, Severity } from '../../core/result.js';
import { BLOCKED_CODE, preconnect } from '../../http/address-guard.js';
import type { ResolvedTls } from '../../http/types.js';

/** One handshake offering only what a server should refuse. */
interface Offer {
  name: string;
  code: string;
  severity: Severity;
  version: { min: SecureVersion; max: SecureVersion };
  ciphers?: string;
  hint: string;
}

const OFFERS: Offer[] = [
  {
    name: 'TLS 1.0',
    code: 'tls.legacy-protocol',
    severity: 'error',
    version: { min: 'TLSv1', max: 'TLSv1' },
    ciphers: 'DEFAULT@SECLEVEL=0',
    hint: 'Disable TLS 1.0 and 1.1 (RFC 8996); accept TLS 1.2 and 1.3 only.',
  },
  {
    name: 'TLS 1.1',
    code: 'tls.legacy-protocol',
    severity: 'error',
    version: { min: 'TLSv1.1', max: 'TLSv1.1' },
    ciphers: 'DEFAULT@SECLEVEL=0',
    hint: 'Disable TLS 1.0 and 1.1 (RFC 8996); accept TLS 1.2 and 1.3 only.',
  },
  {
    name: 'broken cipher suites (3DES, RC4, NULL, EXPORT, DES, MD5)',
    code: 'tls.weak-cipher',
    severity: 'error',
    version: { min: 'TLSv1', max: 'TLSv1.2' },
    ciphers: '3DES:RC4:eNULL:EXPORT:DES:MD5:aNULL@SECLEVEL=0',
    hint: 'Remove 3DES, RC4, NULL, EXPORT and DES suites from the server configuration.',
  },
  {
    name: 'CBC suites with SHA-1 MACs and no forward secrecy',
    code: 'tls.weak-cipher',
    severity: 'warning',
    version: { min: 'TLSv1.2', max: 'TLSv1.2' },
    ciphers: 'AES128-SHA:AES256-SHA:CAMELLIA128-SHA:CAMELLIA256-SHA:SEED-SHA@SECLEVEL=0',
    hint: 'Prefer ECDHE with AEAD suites (AES-GCM, ChaCha20-Poly1305); drop static-RSA CBC-SHA1 suites.',
  },
];

export interface TlsOutcome {
  findings: Finding[];
  /** Offers this OpenSSL could not even make (e.g. suites it was built without): not judged. */
  untested: string[];
}

/**
 * Handshakes with the host offering only legacy protocols or weak suites; each accepted one is a finding.
 * With a lookup (the service's address guard) a refused address rejects with TargetError "ssrf.blocked".
 */
export async function probeTls(
  baseUrl: string,
  tls: ResolvedTls | undefined,
  signal: AbortSignal,
  lookup?: LookupFunction,
): Promise<TlsOutcome> {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  await preconnect(lookup, host);
  const where = `${host}:${port}`;
  const findings: Finding[] = [];
  const untested: string[] = [];
  for (const offer of OFFERS) {
    if (signal.aborted) break;
    const result = await handshake(host, port, offer, tls, signal, lookup);
    if (result.kind === 'blocked') throw new TargetError('ssrf.blocked', result.message);
    if (result.kind === 'unavailable') {
      untested.push(offer.name);
      continue;
    }
    if (result.kind !== 'accepted') continue;
    findings.push({
      code: offer.code,
      severity: offer.severity,
      message: `${where} accepted a handshake offering only ${offer.name}: negotiated ${result.protocol} with ${result.cipher}`,
      operation: where,
      pointer: 'tls',
      expected: `${offer.name} refused`,
      actual: `${result.protocol} ${result.cipher}`,
      hint: offer.hint,
    });
  }
  return { findings, untested };
}

type Handshake =
  | { kind: 'accepted'; protocol: string; cipher: string }
  | { kind: 'refused' }
  | { kind: 'unavailable' }
  | { kind: 'blocked'; message: string };

function handshake(
  host: string,
  port: number,
  offer: Offer,
  tls: ResolvedTls | undefined,
  signal: AbortSignal,
  lookup: LookupFunction | undefined,
): Promise<Handshake> {
  return new Promise((resolve) => {
    let socket: ReturnType<typeof connect>;
    try {
      socket = connect({
        host,
        port,
        ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
        // The certificate is the tls check's business; here only what the server agrees to matters.
        rejectUnauthorized: false,
        minVersion: offer.version.min,
        maxVersion: offer.version.max,
        ...(offer.ciphers && { ciphers: offer.ciphers }),
        ...(tls?.cert && { cert: tls.cert }),
        ...(tls?.key && { key: tls.key }),
        ...(tls?.passphrase && { passphrase: tls.passphrase }),
        ...(lookup && { lookup }),
        timeout: 10_000,
      });
    } catch {
      // OpenSSL refused to build this offer (no such suites): nothing was sent.
      resolve({ kind: 'unavailable' });
      return;
    }
    const done = (result: Handshake) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done({ kind: 'refused' });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      done({
        kind: 'accepted',
        protocol: socket.getProtocol() ?? '?',
        cipher: socket.getCipher()?.name ?? '?',
      });
    });
    socket.once('timeout', () => done({ kind: 'refused' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === BLOCKED_CODE) return done({ kind: 'blocked', message: error.message });
      // "no ciphers available" and the like come from our side before anything is sent.
      const local = /NO_CIPHERS_AVAILABLE|NO_PROTOCOLS_AVAILABLE|no cipher match/i.test(
        `${error.code ?? ''} ${error.message}`,
      );
      done(local ? { kind: 'unavailable' } : { kind: 'refused' });
    });
  });
}
