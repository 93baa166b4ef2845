import type { MonitorSample } from '../types.js';
import {
  burnRate,
  clearWindow,
  createWindow,
  pruneWindow,
  pushWindow,
  type SlidingWindow,
  windowCount,
  windowRatio,
} from '../window.js';
import { humanDuration, NO_JUDGEMENT } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

/** Samples an error-rate window keeps at most (the ratio is over the newest ones). */
export const ERROR_RATE_WINDOW_MAX = 256;

interface ErrorRateKey {
  /** Per-sample error rate: the errorRate measurement, else 1 for a failed/errored sample, 0 otherwise. */
  rates: SlidingWindow;
}

function sampleRate(sample: MonitorSample): number {
  const measured = sample.measurements['errorRate'];
  if (typeof measured === 'number' && Number.isFinite(measured)) return measured;
  return sample.outcome === 'failed' || sample.outcome === 'errored' ? 1 : 0;
}

/** Error-rate spike: the mean error rate over the window exceeds `cap`, over at least `minSamples` samples. */
export const errorRateSpike = perMonitorDetector<'error-rate-spike', ErrorRateKey>({
  kind: 'error-rate-spike',
  what: 'Error rate spike',
  applies: (_config, sample) => sample.outcome !== 'skipped',
  createKey: () => ({ rates: createWindow(ERROR_RATE_WINDOW_MAX) }),
  judge(config, key, sample, now) {
    if (sample.outcome === 'skipped') return NO_JUDGEMENT;
    const rate = sampleRate(sample);
    pruneWindow(key.rates, now, config.windowMs);
    pushWindow(key.rates, now, rate);
    const samples = windowCount(key.rates);
    const ratio = windowRatio(key.rates) ?? 0;
    return {
      verdict: rate > config.cap ? 'bad' : 'clear',
      firing: samples >= config.minSamples && ratio > config.cap,
      describe: () => {
        const burn = burnRate(ratio, config.cap);
        return {
          summary: `error rate ${percent(ratio)} over the ${percent(config.cap)} cap within ${humanDuration(config.windowMs)} (${samples} samples, burn rate ${Number.isFinite(burn) ? burn.toFixed(1) : '∞'})`,
          signature: `error-rate-spike:${sample.monitorId}`,
          details: {
            errorRate: round(ratio, 6),
            cap: config.cap,
            samples,
            windowMs: config.windowMs,
            burnRate: Number.isFinite(burn) ? round(burn, 3) : null,
            lastSampleRate: rate,
          },
        };
      },
    };
  },
  reset: (key) => clearWindow(key.rates),
});

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
