import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateGate, type GateInput, type Waiver } from './gate.js';
import type { CheckResult, Outcome } from './result.js';

const NOW = new Date('2025-06-01T12:00:00Z');

function result(id: string, outcome: Outcome, required = true, summary = ''): CheckResult {
  return {
    id,
    kind: id.split(':')[0] ?? id,
    title: id,
    required,
    outcome,
    summary,
    startedAt: NOW.toISOString(),
    durationMs: 1,
    findings: [],
    measurements: {},
    thresholds: [],
    samples: [],
    exchanges: [],
  };
}

function waiver(checkId: string, expiresAt: string): Waiver {
  return { checkId, reason: 'vendor fix due next sprint', approver: 'alice', expiresAt };
}

function input(partial: Partial<GateInput>): GateInput {
  return { stageId: 'sandbox', results: [], requiredSignoffs: [], now: NOW, ...partial };
}

interface Row {
  name: string;
  input: GateInput;
  verdict: 'open' | 'blocked';
  /** Each must appear in some reason (blocked) — checked with includes. */
  reasons?: string[];
  notes?: string[];
  blocking?: string[];
}

const rows: Row[] = [
  {
    name: 'all passed → open, nothing to say',
    input: input({ results: [result('health', 'passed'), result('contract', 'passed')] }),
    verdict: 'open',
    reasons: [],
    notes: [],
    blocking: [],
  },
  {
    name: 'required failed → blocked, reason names the check and its summary',
    input: input({
      results: [result('health', 'passed'), result('contract', 'failed', true, '3 findings')],
    }),
    verdict: 'blocked',
    reasons: ['required check contract failed: 3 findings'],
    blocking: ['contract'],
  },
  {
    name: 'required errored → blocked, reason says it could not run',
    input: input({ results: [result('tls', 'errored')] }),
    verdict: 'blocked',
    reasons: ['required check tls could not run (errored)'],
    blocking: ['tls'],
  },
  {
    name: 'required skipped → blocked: no evidence',
    input: input({ results: [result('flow:checkout', 'skipped')] }),
    verdict: 'blocked',
    reasons: ['required check flow:checkout was skipped, so there is no evidence'],
    blocking: ['flow:checkout'],
  },
  {
    name: 'declared required check without result → blocked as missing',
    input: input({
      results: [result('health', 'passed')],
      declared: [
        { id: 'health', required: true },
        { id: 'contract', required: true },
      ],
    }),
    verdict: 'blocked',
    reasons: ['required check contract has no result'],
    blocking: ['contract'],
  },
  {
    name: 'declared optional check without result → open with a note',
    input: input({
      results: [],
      declared: [{ id: 'tls', required: false }],
    }),
    verdict: 'open',
    notes: ['optional check tls has no result'],
    blocking: [],
  },
  {
    name: 'optional failed → open with a note naming it',
    input: input({ results: [result('health', 'passed'), result('tls', 'failed', false)] }),
    verdict: 'open',
    notes: ['optional check tls failed'],
    blocking: [],
  },
  {
    name: 'warned → open with a note carrying the summary',
    input: input({ results: [result('contract', 'warned', true, '1 warning')] }),
    verdict: 'open',
    notes: ['contract passed with warnings: 1 warning'],
    blocking: [],
  },
  {
    name: 'active waiver covers a failed required check → open, note names approver and expiry',
    input: input({
      results: [result('contract', 'failed')],
      waivers: [waiver('contract', '2025-07-01T00:00:00Z')],
    }),
    verdict: 'open',
    notes: ['contract failed but is waived until 2025-07-01T00:00:00Z by alice'],
    blocking: [],
  },
  {
    name: 'expired waiver does not cover → blocked again',
    input: input({
      results: [result('contract', 'failed')],
      waivers: [waiver('contract', '2025-05-31T23:59:59Z')],
    }),
    verdict: 'blocked',
    reasons: ['required check contract failed'],
    blocking: ['contract'],
  },
  {
    name: 'waiver expiring exactly now no longer covers',
    input: input({
      results: [result('contract', 'failed')],
      waivers: [waiver('contract', NOW.toISOString())],
    }),
    verdict: 'blocked',
    blocking: ['contract'],
  },
  {
    name: 'waiver for another check does not cover',
    input: input({
      results: [result('contract', 'failed')],
      waivers: [waiver('health', '2025-07-01T00:00:00Z')],
    }),
    verdict: 'blocked',
    blocking: ['contract'],
  },
  {
    name: 'sign-offs not evaluated (standalone) → open, note only',
    input: input({ results: [result('health', 'passed')], requiredSignoffs: ['security', 'partner'] }),
    verdict: 'open',
    notes: ['sign-off still required from security, partner'],
  },
  {
    name: 'sign-offs evaluated and pending → blocked naming the pending roles',
    input: input({
      results: [result('health', 'passed')],
      requiredSignoffs: ['security', 'partner'],
      signedBy: ['security'],
    }),
    verdict: 'blocked',
    reasons: ['waiting for sign-off by partner'],
    blocking: [],
  },
  {
    name: 'sign-offs evaluated and all given → open, no note',
    input: input({
      results: [result('health', 'passed')],
      requiredSignoffs: ['security'],
      signedBy: ['security', 'partner'],
    }),
    verdict: 'open',
    reasons: [],
    notes: [],
  },
];

describe('evaluateGate', () => {
  for (const row of rows) {
    test(row.name, () => {
      const verdict = evaluateGate(row.input);
      assert.equal(verdict.verdict, row.verdict, JSON.stringify(verdict.reasons));
      assert.equal(verdict.stageId, 'sandbox');
      if (row.verdict === 'open') assert.deepEqual(verdict.reasons, []);
      else assert.ok(verdict.reasons.length > 0);
      if (row.reasons?.length === 0) assert.deepEqual(verdict.reasons, []);
      for (const expected of row.reasons ?? []) {
        assert.ok(
          verdict.reasons.some((r) => r.includes(expected)),
          `no reason includes "${expected}": ${JSON.stringify(verdict.reasons)}`,
        );
      }
      if (row.notes?.length === 0) assert.deepEqual(verdict.notes, []);
      for (const expected of row.notes ?? []) {
        assert.ok(
          verdict.notes.some((n) => n.includes(expected)),
          `no note includes "${expected}": ${JSON.stringify(verdict.notes)}`,
        );
      }
      if (row.blocking) {
        assert.deepEqual(
          verdict.checks.filter((c) => c.blocking).map((c) => c.checkId),
          row.blocking,
        );
      }
    });
  }

  test('check lines follow the declared order and record outcome, required and waiver', () => {
    const w = waiver('contract', '2025-07-01T00:00:00Z');
    const verdict = evaluateGate(
      input({
        results: [result('contract', 'failed'), result('health', 'passed')],
        declared: [
          { id: 'health', required: true },
          { id: 'contract', required: true },
          { id: 'tls', required: false },
        ],
        waivers: [w],
      }),
    );
    assert.deepEqual(verdict.checks, [
      { checkId: 'health', required: true, outcome: 'passed', blocking: false },
      { checkId: 'contract', required: true, outcome: 'failed', blocking: false, waivedBy: w },
      { checkId: 'tls', required: false, outcome: 'missing', blocking: false },
    ]);
  });

  test('declared required flag wins over the result’s own flag', () => {
    const verdict = evaluateGate(
      input({
        results: [result('tls', 'failed', true)],
        declared: [{ id: 'tls', required: false }],
      }),
    );
    assert.equal(verdict.verdict, 'open');
  });

  test('sign-off summary: required, pending and whether they were evaluated', () => {
    const standalone = evaluateGate(input({ requiredSignoffs: ['security'] }));
    assert.deepEqual(standalone.signoffs, {
      required: ['security'],
      pending: ['security'],
      evaluated: false,
    });
    const service = evaluateGate(input({ requiredSignoffs: ['security'], signedBy: [] }));
    assert.deepEqual(service.signoffs, { required: ['security'], pending: ['security'], evaluated: true });
  });

  test('several blocking checks give one reason each', () => {
    const verdict = evaluateGate(
      input({ results: [result('a', 'failed'), result('b', 'errored'), result('c', 'passed')] }),
    );
    assert.equal(verdict.reasons.length, 2);
  });
});
