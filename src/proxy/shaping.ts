import type { Writable } from 'node:stream';

// Time and byte shaping shared by the HTTP and TCP proxies. Every wait ends early when the signal aborts (the client
// hung up, or the proxy is closing), so a fault never keeps a socket or a timer alive on its own.

/** Waits `ms`; resolves true when the time passed, false when the signal aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How a body is paced: a byte rate, or a drip of fixed chunks at fixed intervals. */
export type Pace = { bytesPerSecond: number } | { chunkBytes: number; intervalMs: number };

/** Ticks of a byte rate: often enough to look continuous, rarely enough to keep timers cheap. */
const TICK_MS = 50;

function chunking(pace: Pace): { size: number; intervalMs: number } {
  if ('chunkBytes' in pace) return { size: pace.chunkBytes, intervalMs: pace.intervalMs };
  const perTick = (pace.bytesPerSecond * TICK_MS) / 1000;
  if (perTick >= 1) return { size: Math.floor(perTick), intervalMs: TICK_MS };
  return { size: 1, intervalMs: 1000 / pace.bytesPerSecond };
}

/** Writes `data` to `dest` at the pace; resolves false if aborted before the end. Does not end `dest`. */
export async function writePaced(
  dest: Writable,
  data: Buffer,
  pace: Pace,
  signal?: AbortSignal,
): Promise<boolean> {
  const { size, intervalMs } = chunking(pace);
  const start = performance.now();
  for (let offset = 0, tick = 0; offset < data.length; offset += size, tick++) {
    // Scheduled against the start, not the previous write: timer drift does not add up over a long body.
    const due = start + tick * intervalMs - performance.now();
    if (tick > 0 && !(await sleep(due, signal))) return false;
    if (signal?.aborted || dest.destroyed) return false;
    dest.write(data.subarray(offset, offset + size));
  }
  return true;
}

/** A delay of `base` ± `jitter` from a random draw in [0, 1). */
export function jittered(base: number, jitter: number, draw: number): number {
  return Math.max(0, base + jitter * (2 * draw - 1));
}

/**
 * A broken version of a body: the first half of it followed by bytes no JSON parser accepts. Different from the
 * original for any input (an empty body becomes the garbage alone).
 */
export function corrupt(body: Buffer): Buffer {
  return Buffer.concat([
    body.subarray(0, Math.floor(body.length / 2)),
    Buffer.from('\u0000}{"\u00ff', 'latin1'),
  ]);
}
