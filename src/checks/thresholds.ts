import { z } from 'zod';
import type { ThresholdResult } from '../core/result.js';
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
