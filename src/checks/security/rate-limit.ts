import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import type { SecuritySession } from './session.js';

export interface BurstOptions {
  requests: number;
  concurrency: number;
  /** operationId or "GET /path"; default the first successful parameterless GET of the baseline. */
  operation?: string;
}

/** What a burst measured. */
export interface BurstOutcome {
  operation?: string;
  sent: number;
  limited: number;
  ms: number;
}

const RATE_HEADERS =
  /^(retry-after|ratelimit|ratelimit-(reset|remaining|limit|policy)|x-ratelimit-(reset|remaining|limit|retry-after)|x-rate-limit-(reset|remaining|limit))$/i;

/**
 * A bounded burst (requests, concurrency) to one cheap safe operation must be answered with at least
 * one 429, documented for the operation and carrying Retry-After or RateLimit headers.
 */
export async function probeRateLimit(session: SecuritySession, o: BurstOptions): Promise<BurstOutcome> {
  const target = pick(session, o.operation);
  if (!target) return { sent: 0, limited: 0, ms: 0 };
  const { op, request } = target;
  session.ctx.progress(`burst of ${o.requests} to ${op.id}`);
  const statuses = new Map<number, number>();
  let limited: HttpResponse | undefined;
  let last: HttpResponse | undefined;
  let next = 0;
  const started = performance.now();
  // The same request many times: scanning each answer would only repeat the baseline's findings.
  session.scanning = false;
  const worker = async () => {
    while (next < o.requests && !session.signal.aborted) {
      next += 1;
      const res = await session.send(op, request);
      if (!res) continue;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      last = res;
      if (res.status === 429) limited ??= res;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.requests) }, worker));
  } finally {
    session.scanning = true;
  }
  const ms = Math.round(performance.now() - started);
  const count = statuses.get(429) ?? 0;
  const outcome = { operation: op.id, sent: next, limited: count, ms };
  if (!limited) {
    if (last) absent(session, op, o, statuses, last);
    return outcome;
  }
  if (!op.responses.some((r) => r.status === '429')) {
    session.add(
      {
        code: 'rate-limit.undocumented',
        severity: 'warning',
        message: `${op.id} answers 429 under a burst, but the spec does not document 429 for it`,
        operation: op.id,
        pointer: 'status',
        expected: 'a documented 429 response',
        actual: '429 not in the operation responses',
        hint: 'Document the 429 response (with its Retry-After / RateLimit headers) so clients can plan for it.',
        curl: limited.curl,
      },
      limited,
    );
  }
  if (!Object.keys(limited.headers).some((h) => RATE_HEADERS.test(h))) {
    session.add(
      {
        code: 'rate-limit.no-retry-after',
        severity: 'warning',
        message: `${op.id} answered 429 without Retry-After or RateLimit headers`,
        operation: op.id,
        pointer: 'header:retry-after',
        expected: 'Retry-After or RateLimit / RateLimit-Policy headers on 429',
        actual: 'none',
        hint: 'Tell clients when to come back (Retry-After, or the IETF RateLimit headers): it stops retry storms.',
        curl: limited.curl,
      },
      limited,
    );
  }
  session.add({
    code: 'rate-limit.present',
    severity: 'info',
    message: `${op.id}: ${count} of ${next} requests in a burst were answered 429`,
    operation: op.id,
    pointer: 'status',
    actual: `${count} × 429`,
  });
  return outcome;
}

function absent(
  session: SecuritySession,
  op: Operation,
  o: BurstOptions,
  statuses: Map<number, number>,
  last: HttpResponse,
): void {
  const seen = [...statuses].map(([s, n]) => `${n} × ${s}`).join(', ');
  session.add(
    {
      code: 'rate-limit.absent',
      severity: 'error',
      message: `${op.id}: a burst of ${o.requests} requests (${o.concurrency} at a time) got no 429 (${seen})`,
      operation: op.id,
      pointer: 'status',
      expected: 'at least one 429 under the burst',
      actual: seen,
      hint: 'Limit request rates per client (and answer 429 with Retry-After); if the limit is above this burst, raise rateLimit.requests.',
      curl: last.curl,
    },
    last,
  );
}

function pick(
  session: SecuritySession,
  ref: string | undefined,
): { op: Operation; request: HttpRequest } | undefined {
  // A 429 in the baseline is already the limit at work: that operation is still the one to burst.
  const ok = session.baseline.filter(
    (s) => (s.response.status >= 200 && s.response.status < 300) || s.response.status === 429,
  );
  if (ref !== undefined) {
    const op = session.spec.operation(ref);
    return ok.find((s) => s.op === op) ?? session.baseline.find((s) => s.op === op);
  }
  const safe = ok.filter((s) => s.op.method === 'GET');
  return safe.find((s) => !s.op.path.includes('{')) ?? safe[0];
}
