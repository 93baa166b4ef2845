import { CancelledError, errorMessage, TargetError } from '../core/errors.js';

/**
 * A receiver did not take a notification. `retryable`: the delivery job should try again (network,
 * 5xx, 408, 429); otherwise the request itself is wrong (bad key, bad payload) and retrying cannot help.
 * The message never holds a secret: callers build it from `scrub`bed text.
 */
export class DeliveryError extends TargetError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** From the receiver's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    details: { retryable: boolean; status?: number; retryAfterMs?: number },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.retryable = details.retryable;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Whether an HTTP status is worth retrying: 5xx, 408 and 429. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Retry-After (delta seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

// Secrets shorter than this are not replaced: "1" or "ok" would blank unrelated text and are no secret anyway.
const MIN_SECRET = 4;

/**
 * Replaces every occurrence of each secret in `text` (and of its URL-encoded form) with "[redacted]".
 * For a URL secret (Slack, Teams), its path and query are redacted on their own too.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  const parts = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET) continue;
    parts.add(secret);
    parts.add(encodeURIComponent(secret));
    const url = URL.canParse(secret) ? new URL(secret) : undefined;
    if (url && url.pathname.length >= MIN_SECRET) parts.add(url.pathname);
    if (url && url.search.length >= MIN_SECRET) parts.add(url.search);
  }
  let out = text;
  // Longest first, so a secret containing another is redacted whole.
  for (const part of [...parts].sort((a, b) => b.length - a.length)) out = out.split(part).join('[redacted]');
  return out;
}

/** The error for a non-2xx answer: `what` names the request without secrets, `body` is scrubbed and cut. */
export function statusError(
  what: string,
  status: number,
  body: string,
  retryAfterMs: number | undefined,
  secrets: readonly string[],
): DeliveryError {
  const snippet = scrub(body.replace(/\s+/g, ' ').trim(), secrets).slice(0, 300);
  const answer = snippet === '' ? '' : `: ${snippet}`;
  const retryable = isRetryableStatus(status);
  return new DeliveryError(
    retryable ? 'notify.receiver-unavailable' : 'notify.rejected',
    `${what} answered ${status}${answer}`,
    { retryable, status, ...(retryAfterMs !== undefined && { retryAfterMs }) },
  );
}

/** The error for a request that got no answer (refused, reset, timeout, DNS); blocked addresses are not retried. */
export function networkError(what: string, error: unknown, secrets: readonly string[]): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof CancelledError) {
    return new DeliveryError('notify.cancelled', `${what}: cancelled`, { retryable: true }, { cause: error });
  }
  const code = errorCode(error);
  const blocked = code === 'EGANGWAYBLOCKED' || code === 'ssrf.blocked';
  const message = scrub(errorMessage(error), secrets);
  return new DeliveryError(
    blocked ? 'notify.blocked' : 'notify.unreachable',
    `${what} failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    { retryable: !blocked },
    // The cause is dropped on purpose: undici and nodemailer errors may carry the request's URL or auth.
  );
}

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
