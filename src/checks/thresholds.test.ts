import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateThresholds, latencyFindings, thresholdsSchema } from './thresholds.js';

describe('thresholds', () => {
  test('the schema refuses what the parser cannot read, at load time', () => {
    assert.equal(thresholdsSchema.safeParse(['p95 < 300ms', 'errorRate < 1%']).success, true);
    assert.equal(thresholdsSchema.safeParse(['p95 lower than 300ms']).success, false);
  });

  test('a missed latency threshold becomes a finding naming the slowest operation', () => {
    const results = evaluateThresholds(['p95 < 1s', 'errorRate < 1%'], {
      'latency.p95': 1500,
      errorRate: 0.5,
    });
    const findings = latencyFindings(results, [
      { t: 0, ms: 20, ok: true, label: 'listPayments' },
      { t: 30, ms: 1500, ok: true, label: 'createPayment' },
    ]);
    assert.equal(findings.length, 1, 'only latency thresholds make findings; errorRate is not latency');
    assert.equal(findings[0]!.code, 'latency.threshold');
    assert.equal(findings[0]!.operation, 'createPayment');
    assert.equal(findings[0]!.expected, 'p95 < 1s');
    assert.equal(findings[0]!.actual, '1500ms');
  });

  test('met thresholds make no finding', () => {
    const results = evaluateThresholds(['p95 < 1s'], { 'latency.p95': 200 });
    assert.deepEqual(latencyFindings(results, [{ t: 0, ms: 200, ok: true, label: 'x' }]), []);
  });
});
