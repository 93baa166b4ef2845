import type { MonitorSample } from '../types.js';
import {
  clearWindow,
  createWindow,
  pruneWindow,
  pushWindow,
  type SlidingWindow,
  windowCount,
} from '../window.js';
import { humanDuration, NO_JUDGEMENT, truncate } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

interface AvailabilityKey {
  /** Times of failed samples; only the last `failures` matter, so that is the capacity. */
  failed: SlidingWindow;
  /** What the last failure was (error code or outcome), for the update digest. */
  last: string | null;
}

function failedSample(sample: MonitorSample): boolean {
  return sample.outcome === 'failed' || sample.outcome === 'errored';
}

/** Availability: `failures` failed or errored samples within the window ("3 failures in 5 minutes"). */
export const availability = perMonitorDetector<'availability', AvailabilityKey>({
  kind: 'availability',
  what: 'Unavailable',
  applies: (_config, sample) => sample.outcome !== 'skipped',
  createKey: (config) => ({ failed: createWindow(config.failures), last: null }),
  judge(config, key, sample, now) {
    if (sample.outcome === 'skipped') return NO_JUDGEMENT;
    pruneWindow(key.failed, now, config.windowMs);
    const bad = failedSample(sample);
    if (bad) {
      pushWindow(key.failed, now, 1);
      key.last = sample.error?.code ?? sample.outcome;
    }
    const count = windowCount(key.failed);
    return {
      verdict: bad ? 'bad' : 'clear',
      firing: count >= config.failures,
      digest: bad ? (key.last ?? undefined) : undefined,
      describe: () => {
        const cause = sample.error
          ? `${sample.error.code}: ${truncate(sample.error.message)}`
          : sample.outcome;
        return {
          summary: `${count} failed sample(s) within ${humanDuration(config.windowMs)} (last: ${cause})`,
          signature: `availability:${sample.monitorId}:${key.last ?? sample.outcome}`,
          details: {
            failures: count,
            threshold: config.failures,
            windowMs: config.windowMs,
            outcome: sample.outcome,
            ...(sample.error
              ? { error: { code: sample.error.code, message: truncate(sample.error.message) } }
              : {}),
          },
        };
      },
    };
  },
  reset: (key) => {
    clearWindow(key.failed);
    key.last = null;
  },
});
