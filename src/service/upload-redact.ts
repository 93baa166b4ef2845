import type { CheckResult, Exchange, Finding } from '../core/result.js';
import { Redactor } from '../http/redact.js';
import type { Store } from '../store/index.js';

// An uploaded run comes from a CLI we do not control (an old version, a hand-made report). The server
// stores nothing the CLI would not: the same Redactor rules (credential headers, fields, query parameters)
// plus every secret value the service holds for that partner, hidden wherever it appears.

/** A Redactor that also hides the values of the secrets a run of this partner could use. */
export async function uploadRedactor(store: Store, partnerId: string): Promise<Redactor> {
  const redactor = new Redactor();
  for (const scope of ['global', partnerId]) {
    for (const info of await store.secrets.list(scope)) {
      const value = await store.secrets.get(scope, info.name);
      if (value !== undefined) redactor.addSecret(value);
    }
  }
  return redactor;
}

/** Copies of the results with every text an upload carries passed through the redactor. */
export function redactResults(results: readonly CheckResult[], redactor: Redactor): CheckResult[] {
  const text = (s: string | undefined) => (s === undefined ? undefined : redactor.text(s));
  const finding = (f: Finding): Finding => {
    const out: Finding = { ...f, message: redactor.text(f.message) };
    for (const key of ['expected', 'actual', 'hint', 'curl', 'pointer'] as const) {
      if (f[key] !== undefined) out[key] = text(f[key]);
    }
    return out;
  };
  const exchange = (e: Exchange): Exchange => ({
    ...e,
    request: {
      ...e.request,
      url: redactor.url(String(e.request?.url ?? '')),
      headers: redactor.headers(e.request?.headers ?? {}),
      ...(typeof e.request?.body === 'string' && { body: redactor.text(e.request.body) }),
    },
    ...(e.response && {
      response: {
        ...e.response,
        headers: redactor.headers(e.response.headers ?? {}),
        ...(typeof e.response.body === 'string' && { body: redactor.text(e.response.body) }),
      },
    }),
    ...(e.error && { error: { ...e.error, message: redactor.text(e.error.message) } }),
  });
  return results.map((r) =>
    everywhere(redactor, {
      ...r,
      title: redactor.text(r.title),
      summary: redactor.text(r.summary),
      findings: r.findings.map(finding),
      exchanges: r.exchanges.map(exchange),
      ...(r.error && { error: { ...r.error, message: redactor.text(r.error.message) } }),
    }),
  );
}

/**
 * Exchanges are loose objects (fields of newer CLIs are kept): a last pass hides secret values and
 * credential fields in every string the structured pass did not visit.
 */
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
