import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from './errors.js';
import { type Comparator, compare, evaluateThreshold, parseThreshold } from './threshold.js';

describe('parseThreshold: valid forms', () => {
  const rows: { text: string; metric: string; op: Comparator; value: number }[] = [
    { text: 'p95 < 300ms', metric: 'latency.p95', op: '<', value: 300 },
    { text: 'errorRate < 1%', metric: 'errorRate', op: '<', value: 0.01 },
    { text: 'rps >= 100', metric: 'rps', op: '>=', value: 100 },
    { text: 'tls.daysLeft > 30', metric: 'tls.daysLeft', op: '>', value: 30 },
    { text: 'max <= 1.5s', metric: 'latency.max', op: '<=', value: 1500 },
    { text: 'p50 < 100ms', metric: 'latency.p50', op: '<', value: 100 },
    { text: 'med < 100ms', metric: 'latency.p50', op: '<', value: 100 },
    { text: 'p90 < 2s', metric: 'latency.p90', op: '<', value: 2000 },
    { text: 'p99 < 1m', metric: 'latency.p99', op: '<', value: 60_000 },
    { text: 'min >= 1ms', metric: 'latency.min', op: '>=', value: 1 },
    { text: 'avg < 250', metric: 'latency.avg', op: '<', value: 250 },
    { text: 'error-rate <= 0.5%', metric: 'errorRate', op: '<=', value: 0.005 },
    { text: 'error_rate == 0%', metric: 'errorRate', op: '==', value: 0 },
    { text: 'status != 500', metric: 'status', op: '!=', value: 500 },
    { text: 'delta > -1.5', metric: 'delta', op: '>', value: -1.5 },
    { text: 'p95<300ms', metric: 'latency.p95', op: '<', value: 300 },
    { text: '  p95   <   300ms  ', metric: 'latency.p95', op: '<', value: 300 },
    { text: 'latency.p95 < 300ms', metric: 'latency.p95', op: '<', value: 300 },
  ];
  for (const row of rows) {
    test(`"${row.text}" → ${row.metric} ${row.op} ${row.value}`, () => {
      const t = parseThreshold(row.text);
      assert.equal(t.metric, row.metric);
      assert.equal(t.op, row.op);
      assert.ok(Math.abs(t.value - row.value) < 1e-12, `value ${t.value}`);
      assert.equal(t.expression, row.text.trim(), 'keeps its source text for display');
    });
  }
});

describe('parseThreshold: invalid forms throw InputError with a helpful message', () => {
  const rows: { name: string; text: string; message: RegExp }[] = [
    { name: 'empty', text: '', message: /write "<metric> <op> <value>"/ },
    {
      name: 'no operator',
      text: 'p95 300ms',
      message: /write "<metric> <op> <value>", e\.g\. "p95 < 300ms"/,
    },
    { name: 'no value', text: 'p95 <', message: /is not a threshold/ },
    { name: 'no metric', text: '< 300ms', message: /is not a threshold/ },
    { name: 'unknown operator', text: 'p95 => 300ms', message: /is not a threshold|is not a number/ },
    { name: 'space inside the value', text: 'p95 < 300 ms', message: /is not a threshold/ },
    { name: 'metric starting with a digit', text: '95p < 3', message: /is not a threshold/ },
    {
      name: 'word value',
      text: 'p95 < fast',
      message: /"fast" in "p95 < fast" is not a number, a percentage or a duration/,
    },
    {
      name: 'bad percentage',
      text: 'errorRate < abc%',
      message: /"abc%" .* is not a number, a percentage or a duration/,
    },
    { name: 'unknown unit', text: 'p95 < 300parsecs', message: /"300parsecs"/ },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.throws(
        () => parseThreshold(row.text),
        (error: unknown) => {
          assert.ok(error instanceof InputError, 'an InputError');
          assert.equal(error.code, 'threshold.invalid');
          assert.match(error.message, row.message);
          return true;
        },
      );
    });
  }
});

describe('compare', () => {
  const rows: [number, Comparator, number, boolean][] = [
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '<=', 2, false],
    [3, '>', 2, true],
    [2, '>', 2, false],
    [2, '>=', 2, true],
    [1, '>=', 2, false],
    [2, '==', 2, true],
    [2, '==', 3, false],
    [2, '!=', 3, true],
    [2, '!=', 2, false],
  ];
  for (const [a, op, b, expected] of rows) {
    test(`${a} ${op} ${b} is ${expected}`, () => assert.equal(compare(a, op, b), expected));
  }
});

describe('evaluateThreshold', () => {
  const rows: {
    name: string;
    text: string;
    measurements: Record<string, number>;
    actual: number | null;
    passed: boolean;
  }[] = [
    {
      name: 'measured and within → passed',
      text: 'p95 < 300ms',
      measurements: { 'latency.p95': 120 },
      actual: 120,
      passed: true,
    },
    {
      name: 'measured and over → failed with the actual value',
      text: 'p95 < 300ms',
      measurements: { 'latency.p95': 450 },
      actual: 450,
      passed: false,
    },
    {
      name: 'percentage compared as a fraction',
      text: 'errorRate < 1%',
      measurements: { errorRate: 0.02 },
      actual: 0.02,
      passed: false,
    },
    {
      name: 'missing metric → actual null, failed',
      text: 'rps >= 100',
      measurements: { 'latency.p95': 1 },
      actual: null,
      passed: false,
    },
    {
      name: 'NaN metric (e.g. percentile of nothing) → actual null, failed',
      text: 'p95 < 300ms',
      measurements: { 'latency.p95': Number.NaN },
      actual: null,
      passed: false,
    },
    {
      name: 'zero is a measurement, not a missing one',
      text: 'errorRate <= 0%',
      measurements: { errorRate: 0 },
      actual: 0,
      passed: true,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(evaluateThreshold(parseThreshold(row.text), row.measurements), {
        expression: row.text,
        actual: row.actual,
        passed: row.passed,
      });
    });
  }
});
