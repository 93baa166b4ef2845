import { compare, type Threshold } from '../core/threshold.js';
import type { Histogram } from './histogram.js';

/** What the engine knows while running: enough to tell whether a threshold can still pass. */
export interface LiveState {
  latency: Histogram;
  requests: number;
  failed: number;
}

const PERCENTILE = /^latency\.p(\d+(?:\.\d+)?)$/;

/**
 * Returns why a threshold is already certain to fail, or undefined while it can still pass. `planned` is
 * the most requests the run can complete (open model: its arrivals, capped by maxRequests; closed model:
 * maxRequests); without it only `max` can be decided early, since the final count is unknown.
 */
export function certainFailure(
  t: Threshold,
  live: LiveState,
  planned: number | undefined,
): string | undefined {
  const below = t.op === '<' || t.op === '<=';
  if (!below) return undefined;
  if (t.metric === 'latency.max') {
    const max = live.latency.max / 1000;
    if (live.latency.count > 0 && !compare(max, t.op, t.value)) {
      return `a request took ${round(max)}ms, so the maximum cannot meet ${t.expression}`;
    }
    return undefined;
  }
  if (planned === undefined || planned <= 0) return undefined;
  if (t.metric === 'errorRate') {
    // However many more succeed, the final rate is at least failed / planned.
    if (live.failed > 0 && !compare(live.failed / planned, t.op, t.value)) {
      return `${live.failed} of at most ${planned} requests failed already, so the error rate cannot meet ${t.expression}`;
    }
    return undefined;
  }
  const p = PERCENTILE.exec(t.metric);
  if (p) {
    const percent = Number(p[1]);
    // The final percentile is the value at rank ceil(p·n); it is above the limit once more values than
    // n - rank are, and n is at most `planned` (a smaller n only makes that easier).
    const above = live.latency.countAbove(t.value * 1000);
    const allowed = planned - Math.ceil((percent / 100) * planned);
    if (above > allowed) {
      return `${above} of at most ${planned} requests took longer than ${round(t.value)}ms, so ${t.metric.slice(8)} cannot meet ${t.expression}`;
    }
  }
  return undefined;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
