import type { Exchange } from '../core/result.js';

/** The redacted exchange carried by an HTTP client error, when there is one. */
export function errorExchange(error: unknown): Exchange | undefined {
  if (typeof error === 'object' && error !== null && 'exchange' in error) {
    const exchange = (error as { exchange?: Exchange }).exchange;
    if (exchange && typeof exchange === 'object') return exchange;
  }
  return undefined;
}
