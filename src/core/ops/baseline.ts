import { createWindow, forEachEntry, pruneWindow, pushWindow, type SlidingWindow } from './window.js';

/**
 * A monitor's rolling baseline: what a metric (latency.p95) normally is, so "3× slower than usual"
 * can be judged without a fixed target. The horizon is cut into `slots` equal slots; each slot keeps
 * the mean of the samples that fell in it, and the baseline is the median of the completed slots.
 * So a monitor run every second and one run every minute both get a baseline of at most `slots`
 * numbers, and a spike moves the median only once it has lasted half the horizon.
 */
export interface Baseline {
  horizonMs: number;
  slotMs: number;
  /** Completed slots: (slot start, mean of the slot). */
  slots: SlidingWindow;
  /** The slot being filled: its start, running mean and count (null before the first sample). */
  current: { start: number; mean: number; count: number } | null;
  /** Median of `slots`, recomputed only when a slot completes (null when there are none). */
  median: number | null;
}

export const DEFAULT_BASELINE_HORIZON_MS = 3_600_000;
export const DEFAULT_BASELINE_SLOTS = 60;

/** An empty baseline over `horizonMs` (default 1 h) in `slots` slots (default 60). */
export function createBaseline(
  horizonMs = DEFAULT_BASELINE_HORIZON_MS,
  slots = DEFAULT_BASELINE_SLOTS,
): Baseline {
  const count = Math.max(1, Math.floor(slots));
  return {
    horizonMs,
    slotMs: Math.max(1, horizonMs / count),
    slots: createWindow(count),
    current: null,
    median: null,
  };
}

/** Adds a value observed at `at`. Judge a sample against baselineValue() before adding it. */
export function updateBaseline(b: Baseline, at: number, value: number): void {
  if (!Number.isFinite(value)) return;
  const cur = b.current;
  if (cur && at < cur.start + b.slotMs) {
    cur.count++;
    cur.mean += (value - cur.mean) / cur.count;
    return;
  }
  if (cur) {
    pushWindow(b.slots, cur.start, cur.mean);
    pruneWindow(b.slots, at, b.horizonMs);
    b.median = median(b.slots);
  }
  b.current = { start: at, mean: value, count: 1 };
}

/**
 * The baseline at `now`: the median of the completed slots within the horizon, or null while fewer
 * than `minSlots` exist (a new monitor has no "usual" yet).
 */
export function baselineValue(b: Baseline, now: number, minSlots = 1): number | null {
  if (b.slots.size > 0 && b.slots.at[b.slots.head]! <= now - b.horizonMs) {
    pruneWindow(b.slots, now, b.horizonMs);
    b.median = median(b.slots);
  }
  return b.slots.size >= Math.max(1, minSlots) ? b.median : null;
}

/** Number of completed slots the baseline currently stands on. */
export function baselineSamples(b: Baseline): number {
  return b.slots.size;
}

function median(w: SlidingWindow): number | null {
  if (w.size === 0) return null;
  const values: number[] = [];
  forEachEntry(w, (_at, v) => values.push(v));
  values.sort((a, c) => a - c);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
