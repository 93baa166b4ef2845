import type { RateStage } from './types.js';

/**
 * Arrival times of the open model: the rate moves linearly from `startRate` through each stage's
 * target (k6's ramping arrival rate; a constant rate is one stage whose target is the start rate).
 * Arrival k (from 0) is due when the integral of the rate reaches k, so the times are exact and every
 * latency can be measured from its intended send time.
 */
export class ArrivalSchedule {
  readonly durationMs: number;
  /** Arrivals due before durationMs. */
  readonly total: number;
  readonly #stages: {
    from: number;
    to: number;
    startMs: number;
    ms: number;
    before: number;
    count: number;
  }[] = [];

  constructor(startRate: number, stages: readonly RateStage[], durationMs?: number) {
    let from = startRate;
    let startMs = 0;
    let before = 0;
    const limit = durationMs ?? Number.POSITIVE_INFINITY;
    for (const stage of stages) {
      if (startMs >= limit) break;
      const ms = Math.min(stage.durationMs, limit - startMs);
      // A stage cut by the duration ends at the rate reached at the cut.
      const to = from + ((stage.target - from) * ms) / stage.durationMs;
      const count = (((from + to) / 2) * ms) / 1000;
      this.#stages.push({ from, to, startMs, ms, before, count });
      before += count;
      startMs += ms;
      from = stage.target;
    }
    this.durationMs = startMs;
    // Arrival k is due at N(t) = k; those with t < duration are the ceiling of N(duration), minus float noise.
    this.total = Math.max(0, Math.ceil(before - 1e-9));
  }

  /** Milliseconds from the start at which arrival k is due. */
  timeOf(k: number): number {
    for (const s of this.#stages) {
      if (k >= s.before + s.count) continue;
      const m = k - s.before;
      const a = s.from / 1000;
      const b = (s.to - s.from) / 1000 / s.ms;
      if (Math.abs(b) < 1e-15) return s.startMs + m / a;
      // N(x) = a·x + b·x²/2 = m, solved for x in [0, ms].
      const x = (-a + Math.sqrt(Math.max(0, a * a + 2 * b * m))) / b;
      return s.startMs + Math.min(Math.max(0, x), s.ms);
    }
    return this.durationMs;
  }

  /** Target rate (per second) at t ms from the start. */
  rateAt(t: number): number {
    for (const s of this.#stages) {
      if (t < s.startMs + s.ms) return s.from + ((s.to - s.from) * (t - s.startMs)) / s.ms;
    }
    return this.#stages.at(-1)?.to ?? 0;
  }
}
