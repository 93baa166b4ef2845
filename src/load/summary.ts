import { evaluateThreshold } from '../core/threshold.js';
import { ms, type Recorder } from './recorder.js';
import type { LoadPlan, LoadSummary } from './types.js';

export interface Ending {
  elapsedMs: number;
  workers: number;
  aborted?: { threshold: string; reason: string };
  cancelled: boolean;
}

/** Measurements under the names thresholds use (latency.p95, errorRate, rps, requests...). */
export function loadMeasurements(r: Recorder, elapsedMs: number): Record<string, number> {
  const h = r.latency;
  const m: Record<string, number> = {
    requests: r.requests,
    failed: r.failed,
    errorRate: r.requests === 0 ? 0 : r.failed / r.requests,
    rps: elapsedMs > 0 ? Math.round((r.requests / elapsedMs) * 100_000) / 100 : 0,
    dropped: r.dropped,
  };
  if (h.count > 0) {
    m['latency.min'] = ms(h.min);
    m['latency.avg'] = ms(h.mean());
    for (const p of [50, 90, 95, 99]) m[`latency.p${p}`] = ms(h.percentile(p));
    m['latency.max'] = ms(h.max);
  }
  return m;
}

/** The result of a run: the summary, its thresholds evaluated, the per-second series. */
export function summarize(plan: LoadPlan, r: Recorder, end: Ending): LoadSummary {
  const m = loadMeasurements(r, end.elapsedMs);
  const thresholds = plan.thresholds.map((t) => {
    const result = evaluateThreshold(t, m);
    // A run stopped because this threshold was certain to fail has failed it, whatever the partial figures say.
    return end.aborted?.threshold === t.expression ? { ...result, passed: false } : result;
  });
  const errors: Record<string, number> = {};
  for (const [k, n] of [...r.errors].sort((a, b) => b[1] - a[1])) errors[k] = n;
  return {
    requests: r.requests,
    rps: m.rps!,
    latency: {
      p50: m['latency.p50'] ?? 0,
      p90: m['latency.p90'] ?? 0,
      p95: m['latency.p95'] ?? 0,
      p99: m['latency.p99'] ?? 0,
      max: m['latency.max'] ?? 0,
    },
    errors,
    detail: {
      model: plan.model.type,
      durationMs: Math.round(end.elapsedMs),
      failed: r.failed,
      errorRate: m.errorRate!,
      latencyMin: m['latency.min'] ?? 0,
      latencyMean: m['latency.avg'] ?? 0,
      dropped: r.dropped,
      workers: end.workers,
      ...(end.aborted && { aborted: end.aborted }),
      ...(end.cancelled && { cancelled: true }),
    },
    thresholds,
    series: r.series(),
  };
}
