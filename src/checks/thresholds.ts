import { z } from 'zod';
import type { Finding, Sample, ThresholdResult } from '../core/result.js';
import { evaluateThreshold, parseThreshold } from '../core/threshold.js';

function valid(expression: string): boolean {
  try {
    parseThreshold(expression);
    return true;
  } catch {
    return false;
  }
}

/** Thresholds such as "p95 < 300ms" or "errorRate < 1%", validated when the playbook loads. */
export const thresholdsSchema = z
  .array(
    z.string().refine(valid, {
      message: 'expected "<metric> <op> <value>", e.g. "p95 < 300ms", "max < 1s" or "errorRate < 1%"',
    }),
  )
  .describe('Conditions on the measurements that decide the check, e.g. ["p95 < 300ms", "max < 1s"].');

/** Evaluates thresholds against a check's measurements. */
export function evaluateThresholds(
  expressions: readonly string[] | undefined,
  measurements: Record<string, number>,
): ThresholdResult[] {
  return (expressions ?? []).map((e) => evaluateThreshold(parseThreshold(e), measurements));
}

/**
 * A finding for each failed latency threshold, naming the slowest operations, so a slow check says
 * where the time went and not only that a percentile was missed.
 */
export function latencyFindings(results: readonly ThresholdResult[], samples: readonly Sample[]): Finding[] {
  const slowest = [...samples].sort((a, b) => b.ms - a.ms);
  const top = slowest.slice(0, 3).map((s) => `${s.label ?? 'request'} ${Math.round(s.ms)}ms`);
  return results
    .filter(
      (r) => !r.passed && r.actual !== null && parseThreshold(r.expression).metric.startsWith('latency.'),
    )
    .map((r) => ({
      code: 'latency.threshold',
      severity: 'error' as const,
      message: `latency threshold ${r.expression} missed (${Math.round(r.actual!)}ms); slowest: ${top.join(', ')}`,
      ...(slowest[0]?.label && { operation: slowest[0].label }),
      pointer: 'latency',
      expected: r.expression,
      actual: `${Math.round(r.actual!)}ms`,
      hint: 'Find what makes these calls slow (the evidence has per-phase timings: DNS, connect, TLS, first byte).',
    }));
}
