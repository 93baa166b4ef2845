/** Nearest-rank percentile of an ascending-sorted list; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Latency measurements (ms) under the names thresholds use: latency.p50 ... latency.max. */
export function latencyMeasurements(values: readonly number[]): Record<string, number> {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    'latency.min': round(sorted[0]!),
    'latency.avg': round(sum / sorted.length),
    'latency.p50': round(percentile(sorted, 50)),
    'latency.p90': round(percentile(sorted, 90)),
    'latency.p95': round(percentile(sorted, 95)),
    'latency.p99': round(percentile(sorted, 99)),
    'latency.max': round(sorted[sorted.length - 1]!),
  };
}
