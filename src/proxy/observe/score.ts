import type { ClientFinding, ClientFindingCode } from '../observation.js';

/**
 * Points a finding takes off 100, by code (documented in docs/proxy.md, "Observe mode"). The heaviest are the
 * behaviours that corrupt data or take an API down; a warning takes half, info nothing; each finding counts once
 * whatever its count, so a client is judged on what it does wrong, not on how long it was observed.
 */
export const FINDING_WEIGHTS: Readonly<Record<ClientFindingCode, number>> = {
  'client.unsafe-retry': 30,
  'client.idempotency-key-changed': 25,
  'client.retry-no-backoff': 25,
  'client.retry-after-ignored': 20,
  'client.no-timeout': 20,
  'client.no-recovery': 20,
  'client.request-nonconformant': 15,
  'client.token-per-call': 15,
  'client.no-circuit-breaking': 15,
  'client.idempotency-key-missing': 10,
  'client.retry-no-jitter': 10,
};

const SEVERITY_FACTOR: Readonly<Record<ClientFinding['severity'], number>> = {
  error: 1,
  warning: 0.5,
  info: 0,
};

/** Points one finding takes off the score. */
export function findingPenalty(f: ClientFinding): number {
  return Math.round(FINDING_WEIGHTS[f.code] * SEVERITY_FACTOR[f.severity]);
}

/** 100 minus the penalties of the findings, floored at 0. */
export function scoreFindings(findings: readonly ClientFinding[]): number {
  return Math.max(0, 100 - findings.reduce((sum, f) => sum + findingPenalty(f), 0));
}
