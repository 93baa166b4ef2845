import type { LookupFunction } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import { errorMessage, GangwayError, TargetError } from '../core/errors.js';
import type { Finding } from '../core/result.js';
import { BLOCKED_CODE, isBlocked, preconnect } from '../http/address-guard.js';
import type { CheckKind } from './kind.js';

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

const options = z
  .strictObject({
    minDaysLeft: z
      .number()
      .int()
      .min(0)
      .default(14)
      .describe('Fail when the certificate expires in fewer days.'),
    minProtocol: z
      .enum(['TLSv1.2', 'TLSv1.3'])
      .default('TLSv1.2')
      .describe('Lowest acceptable negotiated protocol.'),
    host: z.string().optional().describe('host:port to inspect (default: the environment base URL).'),
  })
  .default({ minDaysLeft: 14, minProtocol: 'TLSv1.2' });

const DAY = 86_400_000;

/** Certificate chain validity, hostname, days to expiry and negotiated protocol of the environment. */
export const tls = {
  kind: 'tls',
  description:
    'Inspects the TLS certificate: trusted chain, hostname, days left before expiry, protocol version.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  title: (o) => `tls (≥ ${o.minDaysLeft} days, ≥ ${o.minProtocol})`,
  async run(ctx, o, signal) {
    const url = new URL(o.host ? `https://${o.host}` : ctx.environment!.baseUrl);
    if (url.protocol !== 'https:') {
      return { summary: `${url.origin} is not HTTPS`, findings: [notHttps(url.origin)] };
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 443);
    ctx.progress(`handshake with ${host}:${port}`);
    const where = `${host}:${port}`;
    let seen: Handshake;
    try {
      seen = await handshake(host, port, ctx.environment?.tls?.ca, signal, ctx.http.lookup);
    } catch (error) {
      // A refused address is the run's policy, not the target's TLS: the check errors.
      if (signal.aborted || isBlocked(error)) throw error;
      const message = errorMessage(error);
      return { summary: message, findings: [handshakeFailed(where, message)] };
    }
    const findings: Finding[] = [];
    const cert = seen.certificate;
    const expires = Date.parse(cert.valid_to);
    const daysLeft = Math.floor((expires - ctx.now().getTime()) / DAY);
    const insecure = ctx.environment?.tls?.insecure === true;

    if (daysLeft < 0) {
      findings.push({
        code: 'tls.expired',
        severity: 'error',
        message: `the certificate of ${where} expired on ${cert.valid_to}`,
        operation: where,
        expected: `valid for ≥ ${o.minDaysLeft} days`,
        actual: `expired ${expiredAgo(daysLeft)}`,
        hint: 'Renew the certificate now; clients refuse expired certificates.',
      });
    } else if (daysLeft < o.minDaysLeft) {
      findings.push({
        code: 'tls.expiring',
        severity: 'error',
        message: `the certificate of ${where} expires in ${daysLeft} day(s), on ${cert.valid_to}`,
        operation: where,
        expected: `≥ ${o.minDaysLeft} days left`,
        actual: `${daysLeft} days left`,
        hint: 'Renew the certificate, or automate renewal well before expiry.',
      });
    }
    if (seen.authorizationError && !(daysLeft < 0 && /expired/i.test(seen.authorizationError))) {
      findings.push({
        code: 'tls.untrusted',
        severity: insecure ? 'warning' : 'error',
        message: `the certificate chain of ${where} is not trusted: ${seen.authorizationError}${insecure ? ' (accepted because tls.insecure is set)' : ''}`,
        operation: where,
        expected: 'a chain to a trusted CA',
        actual: seen.authorizationError,
        hint: 'Serve the full chain from a trusted CA, or configure the CA with tls.ca in the environment.',
      });
    }
    const identity = checkServerIdentity(host, cert);
    if (identity) {
      findings.push({
        code: 'tls.hostname',
        severity: insecure ? 'warning' : 'error',
        message: `the certificate of ${where} does not cover ${host}: ${identity.message}`,
        operation: where,
        expected: host,
        actual: cert.subjectaltname ?? String(cert.subject?.CN ?? 'no names'),
        hint: 'Issue the certificate for the host name clients use.',
      });
    }
    const rank = PROTOCOLS.indexOf(seen.protocol as (typeof PROTOCOLS)[number]);
    if (rank < PROTOCOLS.indexOf(o.minProtocol)) {
      findings.push({
        code: 'tls.protocol',
        severity: 'error',
        message: `${where} negotiated ${seen.protocol}`,
        operation: where,
        expected: `${o.minProtocol} or newer`,
        actual: seen.protocol,
        hint: 'Enable TLS 1.2 or 1.3 on the server and disable older versions.',
      });
    }
    return {
      summary: `${seen.protocol}, ${daysLeft} day(s) left (until ${new Date(expires).toISOString().slice(0, 10)})`,
      findings,
      measurements: {
        'tls.daysLeft': daysLeft,
        'tls.protocol': rank >= 0 ? Number(PROTOCOLS[rank]!.slice(4) || 1) : 0,
        'tls.handshakeMs': seen.handshakeMs,
      },
    };
  },
} satisfies CheckKind<typeof options>;

/**
 * How long ago a certificate expired, from its days left rounded down: -1 is "within the last day",
 * -2 "a day ago" (-daysLeft would count one day too many).
 */
function expiredAgo(daysLeft: number): string {
  const days = -daysLeft - 1;
  return days < 1 ? 'less than a day ago' : `${days} day(s) ago`;
}

function handshakeFailed(where: string, message: string): Finding {
  return {
    code: 'tls.handshake-failed',
    severity: 'error',
    message,
    operation: where,
    expected: 'a completed TLS handshake',
    actual: message,
    hint: 'Check that the server listens for TLS on this port and supports TLS 1.2 or newer.',
  };
}

function notHttps(origin: string): Finding {
  return {
    code: 'tls.not-https',
    severity: 'error',
    message: `${origin} does not use HTTPS`,
    operation: origin,
    expected: 'https://',
    actual: origin,
    hint: 'Serve the API over HTTPS, or point the tls check at the HTTPS environment.',
  };
}

interface Handshake {
  certificate: PeerCertificate;
  protocol: string;
  authorizationError?: string;
  handshakeMs: number;
}

/**
 * Connects without rejecting the certificate, so its problems can be reported rather than thrown.
 * With a lookup (the service's address guard) the address is vetted first; a refusal is a TargetError.
 */
async function handshake(
  host: string,
  port: number,
  ca: string | undefined,
  signal: AbortSignal,
  lookup: LookupFunction | undefined,
): Promise<Handshake> {
  await preconnect(lookup, host);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const isIp = /^[\d.]+$|:/.test(host);
    const socket: TLSSocket = connect({
      host,
      port,
      ...(isIp ? {} : { servername: host }),
      rejectUnauthorized: false,
      ...(ca && { ca }),
      ...(lookup && { lookup }),
      timeout: 10_000,
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new GangwayError('tls.connect-failed', `TLS handshake with ${host}:${port} failed: ${message}`));
    };
    const onAbort = () => fail('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      const certificate = socket.getPeerCertificate(true);
      const authError = socket.authorizationError;
      resolve({
        certificate,
        protocol: socket.getProtocol() ?? 'unknown',
        ...(authError && { authorizationError: String(authError) }),
        handshakeMs: Math.round((performance.now() - started) * 100) / 100,
      });
      socket.end();
    });
    socket.once('timeout', () => fail('timed out after 10s'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== BLOCKED_CODE) return fail(error.message);
      socket.destroy();
      reject(new TargetError('ssrf.blocked', error.message, { cause: error }));
    });
  });
}
