import { percentile } from '../stats.js';

/**
 * The one sliding window shared by detectors (and any other judge "n of the last t"): a ring buffer
 * of (at, value) entries, bounded by a maximum count and pruned by age. It is plain JSON so it can be
 * stored between monitor executions, and it is updated in place so a sample costs O(1) instead of a
 * copy of the whole window. A value is a measurement (a latency) or a flag (1 = bad, 0 = good).
 */
export interface SlidingWindow {
  /** Entry times (ms since the epoch), a ring of capacity `max`. */
  at: number[];
  /** Entry values, parallel to `at`. */
  value: number[];
  /** Index of the oldest entry. */
  head: number;
  /** Number of live entries. */
  size: number;
  /** Capacity: the oldest entry is dropped when a new one arrives at capacity. */
  max: number;
}

/** An empty window holding at most `max` entries. */
export function createWindow(max: number): SlidingWindow {
  return { at: [], value: [], head: 0, size: 0, max: Math.max(1, Math.floor(max)) };
}

/** Adds an entry, dropping the oldest when the window is full. Entries are expected in time order. */
export function pushWindow(w: SlidingWindow, at: number, value: number): void {
  if (w.size === w.max) {
    w.at[w.head] = at;
    w.value[w.head] = value;
    w.head = (w.head + 1) % w.max;
    return;
  }
  const i = (w.head + w.size) % w.max;
  // Until the ring first wraps, the arrays grow (so a short-lived window stays small in JSON).
  if (i === w.at.length) {
    w.at.push(at);
    w.value.push(value);
  } else {
    w.at[i] = at;
    w.value[i] = value;
  }
  w.size++;
}

/** Drops entries at or before `now - windowMs`. */
export function pruneWindow(w: SlidingWindow, now: number, windowMs: number): void {
  const cutoff = now - windowMs;
  while (w.size > 0 && w.at[w.head]! <= cutoff) {
    w.head = (w.head + 1) % w.max;
    w.size--;
  }
  if (w.size === 0) clearWindow(w);
}

/** Empties the window (after a recovery, so a new trigger needs fresh evidence). */
export function clearWindow(w: SlidingWindow): void {
  w.at.length = 0;
  w.value.length = 0;
  w.head = 0;
  w.size = 0;
}

/** Calls fn for every live entry, oldest first. */
export function forEachEntry(w: SlidingWindow, fn: (at: number, value: number) => void): void {
  for (let k = 0; k < w.size; k++) {
    const i = (w.head + k) % w.max;
    fn(w.at[i]!, w.value[i]!);
  }
}

/** The newest entry's value, or undefined when empty. */
export function lastValue(w: SlidingWindow): number | undefined {
  return w.size === 0 ? undefined : w.value[(w.head + w.size - 1) % w.max];
}

/** Number of live entries. */
export function windowCount(w: SlidingWindow): number {
  return w.size;
}

/** Sum of the live entries' values (with 0/1 flags: how many were bad). */
export function windowSum(w: SlidingWindow): number {
  let sum = 0;
  for (let k = 0; k < w.size; k++) sum += w.value[(w.head + k) % w.max]!;
  return sum;
}

/** Entries whose value is non-zero: failures, when values are 0/1 flags. */
export function windowFailures(w: SlidingWindow): number {
  let n = 0;
  for (let k = 0; k < w.size; k++) if (w.value[(w.head + k) % w.max] !== 0) n++;
  return n;
}

/** Mean of the values (with 0/1 flags: the failure ratio); null when empty. */
export function windowRatio(w: SlidingWindow): number | null {
  return w.size === 0 ? null : windowSum(w) / w.size;
}

/** Nearest-rank percentile (0..100) of the values; null when empty. */
export function windowPercentile(w: SlidingWindow, p: number): number | null {
  if (w.size === 0) return null;
  const values: number[] = new Array(w.size);
  for (let k = 0; k < w.size; k++) values[k] = w.value[(w.head + k) % w.max]!;
  values.sort((a, b) => a - b);
  return percentile(values, p);
}

/**
 * Burn rate: how fast the error budget is being spent. 1 means exactly at budget (an error ratio
 * equal to the allowed one); 14.4 over an hour is the classic page-now threshold for a 30-day SLO.
 */
export function burnRate(errorRatio: number, errorBudget: number): number {
  if (errorBudget <= 0) return errorRatio > 0 ? Number.POSITIVE_INFINITY : 0;
  return errorRatio / errorBudget;
}
