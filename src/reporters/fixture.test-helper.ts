// Hand-built RunReports for the reporters' tests: realistic shapes, hostile content where it hurts.
import { evaluateGate } from '../core/gate.js';
import { type CheckResult, type Exchange, type Finding, OUTCOMES, type Outcome } from '../core/result.js';
import type { RunInfo, RunReport } from '../runner/events.js';

export const HOSTILE = '<script>alert(1)</script>';
export const STARTED = '2025-03-01T10:00:00.000Z';

/** A finding with every field set; override what a test cares about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    code: 'body.schema',
    severity: 'error',
    message: 'response body does not match the schema',
    operation: 'createPayment',
    pointer: '/amount',
    expected: 'integer',
    actual: '"12.50"',
    hint: 'send amounts in minor units (cents) as integers',
    curl: "curl -X POST 'http://127.0.0.1:8080/payments' -H 'Authorization: [REDACTED]' --data '{\"amount\":\"12.50\"}'",
    exchangeId: 'ex-1',
    ...overrides,
  };
}

/** A redacted exchange; override what a test cares about. */
export function exchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    id: 'ex-1',
    operation: 'createPayment',
    startedAt: STARTED,
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:8080/payments',
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      body: '{"amount":"12.50"}',
    },
    response: {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"id":"p_1","amount":"12.50"}',
      size: 29,
    },
    timings: { dns: 0.4, connect: 1.2, firstByte: 20.5, total: 22.1 },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    ...overrides,
  };
}

/** A passed check result; override what a test cares about. */
export function check(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'health',
    kind: 'health',
    title: 'Health',
    required: true,
    outcome: 'passed',
    summary: 'healthy',
    startedAt: STARTED,
    durationMs: 1250,
    findings: [],
    measurements: {},
    thresholds: [],
    samples: [],
    exchanges: [],
    ...overrides,
  };
}

/** A RunReport around the given results, with the gate evaluated by core as the runner would. */
export function report(checks: CheckResult[], overrides: Partial<RunReport> = {}): RunReport {
  const run: RunInfo = {
    runId: 'run-0001',
    playbook: { name: 'acme-payments', version: '3.2.0', title: 'Acme Payments', file: 'playbook.yaml' },
    stage: { id: 'sandbox' },
    environment: { name: 'sandbox', baseUrl: 'http://127.0.0.1:8080' },
    seed: 42,
    checks: checks.map(({ id, kind, title, required }) => ({ id, kind, title, required })),
  };
  const gate = evaluateGate({
    stageId: 'sandbox',
    results: checks,
    requiredSignoffs: ['partnerships'],
    now: new Date(STARTED),
  });
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const c of checks) counts[c.outcome] += 1;
  return {
    formatVersion: 1,
    tool: { name: 'gangway', version: '0.1.0' },
    run,
    outcome: gate.verdict === 'open' ? 'passed' : 'failed',
    startedAt: STARTED,
    finishedAt: '2025-03-01T10:00:12.500Z',
    durationMs: 12_500,
    interrupted: false,
    gate,
    checks,
    counts,
    ...overrides,
  };
}

/** One check of each outcome; the failed one carries hostile evidence. */
export function mixedReport(): RunReport {
  const hostile = exchange({
    id: 'ex-1',
    response: {
      status: 200,
      headers: { 'content-type': 'text/html', location: 'https://evil.example/steal' },
      body: `<html>${HOSTILE}<img src="https://evil.example/x.png"></html>`,
      size: 80,
    },
  });
  return report([
    check({
      id: 'contract',
      kind: 'contract',
      title: 'Contract conformance',
      outcome: 'failed',
      summary: '2 operations violate the contract',
      findings: [
        finding({ actual: HOSTILE, message: 'body has \u001b]0;pwned\u0007 & <b>bold</b> \u0000text' }),
        finding({ code: 'header.missing', pointer: 'header:X-Request-Id', exchangeId: undefined }),
      ],
      exchanges: [hostile],
    }),
    check({
      id: 'load',
      kind: 'load',
      title: 'Load 20/s for 60s',
      summary: 'p95 212ms at 20 req/s',
      measurements: { p95: 212.345, errorRate: 0.01, requests: 1200 },
      thresholds: [{ expression: 'p95 < 300ms', actual: 212.345, passed: true }],
      samples: [
        { t: 0, ms: 120, ok: true },
        { t: 1500, ms: 212, ok: true },
        { t: 3000, ms: 950, ok: false },
      ],
    }),
    check({
      id: 'spec',
      kind: 'lint',
      title: 'Spec lint',
      outcome: 'warned',
      summary: '1 warning',
      findings: [finding({ code: 'operation.description', severity: 'warning', exchangeId: undefined })],
    }),
    check({
      id: 'tls',
      kind: 'tls',
      title: 'TLS certificate',
      outcome: 'errored',
      summary: 'could not connect',
      error: { code: 'target.unreachable', message: 'connect ECONNREFUSED 127.0.0.1:8443' },
    }),
    check({
      id: 'idempotency',
      kind: 'idempotency',
      outcome: 'skipped',
      summary: 'no unsafe operation',
      required: false,
    }),
  ]);
}
