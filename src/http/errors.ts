import { TargetError } from '../core/errors.js';
import type { Exchange } from '../core/result.js';
import { BLOCKED_CODE } from './address-guard.js';

/** A failed exchange with the target: carries the redacted exchange as evidence. */
export class HttpError extends TargetError {
  constructor(
    code: string,
    message: string,
    readonly exchange: Exchange,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Failure raised by our own limits while receiving; the client turns it into an HttpError. */
export class LimitError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CONNECT_FAILED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'ECONNABORTED',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** What went wrong, for a user: a stable code and a sentence. */
export interface Classified {
  code: string;
  message: string;
}

function errorCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects (several addresses) fail with an AggregateError of the attempts.
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  return undefined;
}

function isTls(code: string, message: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('UNABLE_TO_') ||
    code.startsWith('CERT_') ||
    /\b(ssl|tls|certificate)\b/i.test(message)
  );
}

/** Maps a network error from undici or node:net/tls to a Gangway code; `where` is the origin, for the message. */
export function classifyNetworkError(err: unknown, where: string, timeouts: Timeouts): Classified {
  if (err instanceof LimitError) return { code: err.code, message: err.message };
  const code = errorCode(err) ?? '';
  const raw = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        code: 'http.timeout',
        message: `connecting to ${where} took longer than ${timeouts.connect} ms`,
      };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return {
        code: 'http.timeout',
        message: `${where} sent no response headers within ${timeouts.headers} ms`,
      };
    case 'UND_ERR_BODY_TIMEOUT':
      return {
        code: 'http.timeout',
        message: `${where} stopped sending the response body for more than ${timeouts.body} ms`,
      };
    case 'ETIMEDOUT':
      return { code: 'http.timeout', message: `${where} timed out (${raw})` };
    case BLOCKED_CODE:
      // The address guard's own sentence names the address and the rule; the origin adds nothing.
      return { code: 'ssrf.blocked', message: raw };
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return { code: 'http.closed', message: 'the HTTP client was closed before the request completed' };
  }
  if (isTls(code, raw))
    return { code: 'http.tls', message: `TLS with ${where} failed: ${raw}${suffix(code)}` };
  if (CONNECT_FAILED.has(code)) {
    const what = code === 'ECONNREFUSED' ? 'connection refused' : raw;
    return { code: 'http.connect-failed', message: `cannot connect to ${where}: ${what}${suffix(code)}` };
  }
  if (DNS.has(code)) return { code: 'http.dns', message: `cannot resolve the host of ${where}: ${raw}` };
  if (RESET.has(code)) {
    return { code: 'http.reset', message: `${where} closed the connection: ${raw}${suffix(code)}` };
  }
  return { code: 'http.network', message: `request to ${where} failed: ${raw}${suffix(code)}` };
}

function suffix(code: string): string {
  return code ? ` (${code})` : '';
}

/** The timeouts in force, quoted in messages. */
export interface Timeouts {
  connect: number;
  headers: number;
  body: number;
}
