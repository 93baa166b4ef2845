import { parseDuration } from './duration.js';
import { InputError } from './errors.js';
import type { ThresholdResult } from './result.js';

export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed threshold such as `p95 < 300ms`: kept with its source text for display. */
export interface Threshold {
  expression: string;
  /** Measurement name it reads, e.g. "latency.p95", "errorRate", "tls.daysLeft". */
  metric: string;
  op: Comparator;
  /** In the measurement's base unit: milliseconds for durations, a fraction for percentages. */
  value: number;
}

/** Short names users write, mapped to measurement names. */
const ALIASES: Record<string, string> = {
  p50: 'latency.p50',
  p90: 'latency.p90',
  p95: 'latency.p95',
  p99: 'latency.p99',
  max: 'latency.max',
  min: 'latency.min',
  avg: 'latency.avg',
  med: 'latency.p50',
  'error-rate': 'errorRate',
  error_rate: 'errorRate',
};

const PATTERN = /^\s*([A-Za-z_][\w.-]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;

/** Parses `p95 < 300ms`, `errorRate < 1%`, `rps >= 100`, `tls.daysLeft > 30`. */
export function parseThreshold(expression: string): Threshold {
  const match = PATTERN.exec(expression);
  if (!match) {
    throw new InputError(
      'threshold.invalid',
      `"${expression}" is not a threshold: write "<metric> <op> <value>", e.g. "p95 < 300ms" or "errorRate < 1%"`,
    );
  }
  const [, name, op, raw] = match as unknown as [string, string, Comparator, string];
  return {
    expression: expression.trim(),
    metric: ALIASES[name] ?? name,
    op,
    value: parseValue(raw, expression),
  };
}

function parseValue(raw: string, expression: string): number {
  if (raw.endsWith('%')) {
    const n = Number(raw.slice(0, -1));
    if (Number.isFinite(n)) return n / 100;
  } else if (/^-?\d+(\.\d+)?$/.test(raw)) {
    return Number(raw);
  } else {
    try {
      return parseDuration(raw);
    } catch {
      // fall through to the error below
    }
  }
  throw new InputError(
    'threshold.invalid',
    `"${raw}" in "${expression}" is not a number, a percentage or a duration`,
  );
}

export function compare(actual: number, op: Comparator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** Evaluates a threshold against measurements; a missing measurement fails with actual null. */
export function evaluateThreshold(
  threshold: Threshold,
  measurements: Record<string, number>,
): ThresholdResult {
  const actual = measurements[threshold.metric];
  if (actual === undefined || Number.isNaN(actual)) {
    return { expression: threshold.expression, actual: null, passed: false };
  }
  return { expression: threshold.expression, actual, passed: compare(actual, threshold.op, threshold.value) };
}
