import type { CheckResult, Exchange } from '../core/result.js';
import { Redactor } from '../http/redact.js';
import type { Store } from '../store/index.js';
import { partnerSecrets } from './partner-secrets.js';

// An uploaded run comes from a CLI we do not control (an old version, a hand-made report). The server
// stores nothing the CLI would not: the same Redactor rules (credential headers, fields, query parameters)
// plus every secret value the service holds for that partner, hidden wherever it appears.

/** A Redactor that also hides the values of the secrets a run of this partner could use. */
export async function uploadRedactor(store: Store, partnerId: string): Promise<Redactor> {
  const redactor = new Redactor();
  for (const value of (await partnerSecrets(store, partnerId)).values()) redactor.addSecret(value);
  return redactor;
}

/**
 * Copies of the results with every string passed through the redactor; headers and URLs first get the
 * rules that need their structure (credential headers by name, credential query parameters).
 */
export function redactResults(results: readonly CheckResult[], redactor: Redactor): CheckResult[] {
  const exchange = (e: Exchange): Exchange => ({
    ...e,
    request: {
      ...e.request,
      url: redactor.url(String(e.request?.url ?? '')),
      headers: redactor.headers(e.request?.headers ?? {}),
    },
    ...(e.response && { response: { ...e.response, headers: redactor.headers(e.response.headers ?? {}) } }),
  });
  return results.map((r) => everywhere(redactor, { ...r, exchanges: r.exchanges.map(exchange) }));
}

/** Hides secret values and credential fields in every string of a value (exchanges are loose objects). */
function everywhere<T>(redactor: Redactor, value: T): T {
  if (typeof value === 'string') return redactor.text(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => everywhere(redactor, v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = everywhere(redactor, v);
    return out as T;
  }
  return value;
}
