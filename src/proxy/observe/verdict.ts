import type { ClientFinding, ClientFindingCode, ObservedExchange } from '../observation.js';
import type { Traffic } from './traffic.js';

/** The name of a behaviour, as listed in a report's `passed` and `notJudged`. */
export type Behaviour =
  | 'conformance'
  | 'backoff'
  | 'jitter'
  | 'retry-after'
  | 'idempotency-key-present'
  | 'idempotency-key-reuse'
  | 'unsafe-retry'
  | 'token-reuse'
  | 'timeouts'
  | 'circuit-breaking'
  | 'recovery';

/** What one judge concluded about one behaviour of one client. */
export type Verdict =
  | { behaviour: Behaviour; judged: true; findings: ClientFinding[]; passedNote?: string }
  | { behaviour: Behaviour; judged: false; why: string };

/** A judge: a pure function of the whole recording and one client's name. */
export type Judge = (traffic: Traffic, client: string) => Verdict | Verdict[];

/** Builds a finding citing at most `max` exchanges (by seq) but counting them all. */
export function finding(
  code: ClientFindingCode,
  severity: ClientFinding['severity'],
  message: string,
  remediation: string,
  evidence: readonly ObservedExchange[],
  max: number,
  count = evidence.length,
): ClientFinding {
  const seqs = [...new Set(evidence.map((x) => x.seq))].sort((a, b) => a - b);
  return { code, severity, message, remediation, evidence: seqs.slice(0, max), count };
}

/** Shorthand for "not judged, because…". */
export function notJudged(behaviour: Behaviour, why: string): Verdict {
  return { behaviour, judged: false, why };
}

/** Shorthand for a judged verdict. */
export function judged(behaviour: Behaviour, findings: ClientFinding[], passedNote?: string): Verdict {
  return passedNote === undefined
    ? { behaviour, judged: true, findings }
    : { behaviour, judged: true, findings, passedNote };
}

/** Milliseconds for messages: "850 ms", "1.5 s". */
export function ms(value: number): string {
  return value >= 1000 ? `${Math.round(value / 100) / 10} s` : `${Math.round(value)} ms`;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
