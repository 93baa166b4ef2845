import { GangwayError } from '../core/errors.js';
import type { Exchange, Finding } from '../core/result.js';
import type { HttpClient } from '../http/client.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { Evidence } from './evidence.js';

/** The redacted exchange carried by an HTTP client error, when there is one. */
export function errorExchange(error: unknown): Exchange | undefined {
  if (typeof error === 'object' && error !== null && 'exchange' in error) {
    const exchange = (error as { exchange?: Exchange }).exchange;
    if (exchange && typeof exchange === 'object') return exchange;
  }
  return undefined;
}

/** True for the client's errors about the target (timeouts, refused connections, TLS), not ours. */
export function isTargetFailure(error: unknown): error is GangwayError {
  return error instanceof GangwayError && error.code.startsWith('http.');
}

/**
 * Sends a request. When the target gives no response (an `http.*` error), records the finding that
 * `describe` builds, with the exchange as evidence, and returns undefined; other errors propagate.
 */
export async function sendOrRecord(
  http: HttpClient,
  request: HttpRequest,
  signal: AbortSignal,
  evidence: Evidence,
  describe: (error: GangwayError) => Finding,
): Promise<HttpResponse | undefined> {
  try {
    return await http.request(request, signal);
  } catch (error) {
    if (signal.aborted || !isTargetFailure(error)) throw error;
    evidence.add(describe(error), errorExchange(error));
    return undefined;
  }
}
