import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../errors.js';
import { OUTCOMES } from '../result.js';
import { ConditionError, evaluateCondition, parseCondition } from './condition.js';
import type { ConditionAst, MonitorSample } from './types.js';

const sample: MonitorSample = {
  monitorId: 'api-health',
  environment: 'production',
  at: 1_700_000_000_000,
  outcome: 'failed',
  durationMs: 2500,
  measurements: { 'latency.p95': 2400, errorRate: 0.07, 'tls.daysLeft': 10 },
  findings: [
    {
      code: 'response.body.schema',
      severity: 'error',
      message: 'x',
      operation: 'getNote',
      pointer: '/title',
    },
    { code: 'response.slow', severity: 'error', message: 'y' },
  ],
  error: { code: 'ETIMEDOUT', message: 'timed out after 5s' },
};

const healthy: MonitorSample = {
  monitorId: 'api-health',
  environment: 'sandbox',
  at: 1_700_000_000_000,
  outcome: 'passed',
  durationMs: 40,
  measurements: {},
  findings: [],
};

describe('evaluateCondition: valid expressions', () => {
  const rows: { text: string; failing: boolean; healthy: boolean }[] = [
    { text: "outcome == 'failed'", failing: true, healthy: false },
    { text: 'outcome == "passed"', failing: false, healthy: true },
    { text: "outcome == 'failed' and latency.p95 > 2000", failing: true, healthy: false },
    { text: 'latency.p95 > 2s', failing: true, healthy: false },
    { text: 'latency.p95 <= 2400ms', failing: true, healthy: false },
    { text: 'errorRate > 5%', failing: true, healthy: false },
    { text: 'errorRate >= 7%', failing: true, healthy: false },
    { text: 'tls.daysLeft < 14', failing: true, healthy: false },
    { text: 'measurements.tls.daysLeft < 14', failing: true, healthy: false },
    { text: 'durationMs > 1s', failing: true, healthy: false },
    { text: "environment == 'production'", failing: true, healthy: false },
    { text: "monitorId != 'other'", failing: true, healthy: true },
    { text: 'findings.count >= 2', failing: true, healthy: false },
    { text: "findings.codes contains 'response.slow'", failing: true, healthy: false },
    { text: "findings.codes matches '^response\\.body\\.'", failing: true, healthy: false },
    { text: "findings.codes matches '^response\\.sl\\D\\D$'", failing: true, healthy: false },
    { text: "error.code == 'ETIMEDOUT'", failing: true, healthy: false },
    { text: "error.message contains 'timed out'", failing: true, healthy: false },
    { text: 'error.code == null', failing: false, healthy: true },
    { text: 'error.code != null', failing: true, healthy: false },
    { text: 'not (outcome == "passed")', failing: true, healthy: false },
    { text: "not outcome == 'passed' or durationMs < 100", failing: true, healthy: true },
    {
      text: "(outcome == 'failed' or outcome == 'errored') and not errorRate < 1%",
      failing: true,
      healthy: false,
    },
    { text: 'true', failing: true, healthy: true },
    { text: 'false or null', failing: false, healthy: false },
    { text: 'error.code', failing: true, healthy: false },
    { text: 'latency.p95 > -1', failing: true, healthy: false },
    // A missing measurement compares false, whichever the operator.
    { text: 'missing.metric < 1', failing: false, healthy: false },
    { text: 'missing.metric != 1', failing: false, healthy: false },
    { text: 'errorRate != 0.5', failing: true, healthy: false },
    { text: 'not missing.metric > 1', failing: true, healthy: true },
    { text: "outcome > 'a'", failing: true, healthy: true },
    { text: "latency.p95 > 'text'", failing: false, healthy: false },
    { text: 'a and b or true', failing: true, healthy: true },
  ];
  for (const row of rows) {
    test(row.text, () => {
      const ast = parseCondition(row.text);
      assert.equal(evaluateCondition(ast, sample), row.failing, 'on the failing sample');
      assert.equal(evaluateCondition(ast, healthy), row.healthy, 'on the healthy sample');
      assert.deepEqual(JSON.parse(JSON.stringify(ast)), ast, 'the AST is plain JSON');
    });
  }

  test('and binds tighter than or', () => {
    assert.deepEqual(parseCondition('a or b and c'), {
      type: 'or',
      left: { type: 'field', path: 'a' },
      right: { type: 'and', left: { type: 'field', path: 'b' }, right: { type: 'field', path: 'c' } },
    });
  });

  test('literals: durations in ms, percentages as fractions, escaped strings', () => {
    const lit = (text: string) => (parseCondition(`x == ${text}`) as { right: ConditionAst }).right;
    assert.deepEqual(lit('2s'), { type: 'literal', value: 2000 });
    assert.deepEqual(lit('5m'), { type: 'literal', value: 300_000 });
    assert.deepEqual(lit('5%'), { type: 'literal', value: 0.05 });
    assert.deepEqual(lit('1.5'), { type: 'literal', value: 1.5 });
    assert.deepEqual(lit("'it\\'s'"), { type: 'literal', value: "it's" });
    assert.deepEqual(lit("'a\\\\b'"), { type: 'literal', value: 'a\\b' });
    assert.deepEqual(lit("'^x\\.y\\d'"), { type: 'literal', value: '^x\\.y\\d' }, 'regex escapes are kept');
  });
});

describe('parseCondition: invalid expressions name the column', () => {
  const rows: { text: string; column: number; reason: RegExp }[] = [
    { text: '', column: 1, reason: /empty/ },
    { text: "outcome = 'failed'", column: 9, reason: /use "=="/ },
    { text: "outcome 'failed'", column: 9, reason: /expected an operator/ },
    { text: 'latency.p95 >', column: 14, reason: /expected a value or a field/ },
    { text: '(outcome == "failed"', column: 21, reason: /expected "\)" to close the "\(" at column 1/ },
    { text: 'outcome == "failed")', column: 20, reason: /unbalanced "\)"/ },
    { text: "outcome == 'failed", column: 12, reason: /unterminated string/ },
    { text: 'latency.p95 > 2000 durationMs', column: 20, reason: /expected "and", "or" or the end/ },
    { text: "error.code matches '(['", column: 20, reason: /invalid regular expression/ },
    { text: 'error.code matches 12', column: 20, reason: /regular expression as a quoted string/ },
    { text: "outcome == 'failled'", column: 12, reason: /not an outcome/ },
    { text: "'broken' != outcome", column: 1, reason: /not an outcome/ },
    { text: 'a and and b', column: 7, reason: /expected a value or a field before "and"/ },
    { text: '> 3', column: 1, reason: /expected a value or a field before ">"/ },
    { text: 'latency.p95 > 3 #', column: 17, reason: /unexpected "#"/ },
    { text: 'x > 3xs', column: 5, reason: /unexpected|expected/ },
  ];
  for (const row of rows) {
    test(JSON.stringify(row.text), () => {
      const error = catchError(() => parseCondition(row.text));
      assert.ok(error instanceof ConditionError, `expected a ConditionError, got ${String(error)}`);
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'condition.invalid');
      assert.equal(error.column, row.column, error.message);
      assert.match(error.reason, row.reason);
      assert.equal(error.message, `at column ${row.column}: ${error.reason}`);
    });
  }
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

const arbSample: fc.Arbitrary<MonitorSample> = fc.record(
  {
    monitorId: fc.string(),
    environment: fc.string(),
    at: fc.integer(),
    outcome: fc.constantFrom(...OUTCOMES),
    durationMs: fc.double(),
    measurements: fc.dictionary(
      fc.constantFrom('latency.p95', 'errorRate', 'tls.daysLeft', 'x', 'constructor', '__proto__'),
      fc.double(),
    ),
    findings: fc.array(
      fc.record({
        code: fc.string(),
        severity: fc.constantFrom('error' as const, 'warning' as const, 'info' as const),
        message: fc.string(),
      }),
      { maxLength: 4 },
    ),
    error: fc.record({ code: fc.string(), message: fc.string() }),
  },
  { requiredKeys: ['monitorId', 'environment', 'at', 'outcome', 'durationMs', 'measurements', 'findings'] },
);

const arbAst: fc.Arbitrary<ConditionAst> = fc.letrec<{ node: ConditionAst }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      type: fc.constant('literal' as const),
      value: fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null)),
    }),
    fc.record({
      type: fc.constant('field' as const),
      path: fc.constantFrom(
        'outcome',
        'durationMs',
        'findings.codes',
        'findings.count',
        'error.code',
        'latency.p95',
        'missing',
        'toString',
        '__proto__',
      ),
    }),
    fc.record({ type: fc.constant('not' as const), operand: tie('node') }),
    fc.record({
      type: fc.constantFrom('and' as const, 'or' as const),
      left: tie('node'),
      right: tie('node'),
    }),
    fc.record({
      type: fc.constant('compare' as const),
      op: fc.constantFrom('<' as const, '<=', '>', '>=', '==', '!=', 'contains', 'matches'),
      left: tie('node'),
      right: tie('node'),
    }),
  ),
})).node;

describe('properties', () => {
  test('evaluation never throws on arbitrary samples and conditions', () => {
    fc.assert(
      fc.property(arbAst, arbSample, (ast, s) => typeof evaluateCondition(ast, s) === 'boolean'),
      { numRuns: 2000 },
    );
  });

  test('parsing arbitrary text either succeeds or throws a ConditionError with a column inside the text', () => {
    const alphabet = fc.constantFrom(...'ab.1 ()\'"=<>!%smnotandorcontainsmatches'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (text) => {
        try {
          const ast = parseCondition(text);
          return typeof evaluateCondition(ast, healthy) === 'boolean';
        } catch (error) {
          return error instanceof ConditionError && error.column >= 1 && error.column <= text.length + 1;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
