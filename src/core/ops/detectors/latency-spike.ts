import { formatDuration } from '../../duration.js';
import { type Baseline, baselineValue, createBaseline, updateBaseline } from '../baseline.js';
import {
  clearWindow,
  createWindow,
  pruneWindow,
  pushWindow,
  type SlidingWindow,
  windowCount,
  windowSum,
} from '../window.js';
import { humanDuration, NO_JUDGEMENT } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

/** Samples a latency window keeps at most. */
export const LATENCY_WINDOW_MAX = 256;
/**
 * Besides `minSamples` slow samples, the slow ones must be at least this share of the window: three
 * outliers among 300 fast samples of a monitor run every second are not a spike.
 */
export const LATENCY_MIN_SHARE = 0.5;

interface LatencyKey {
  /** 1 for a sample over the threshold or the baseline factor, 0 otherwise. */
  slow: SlidingWindow;
  /** The monitor's usual value of the metric (fed with every sample, slow ones included). */
  baseline: Baseline;
}

/** Latency spike: the metric over `thresholdMs`, or over `baselineFactor` × the rolling baseline, in enough samples of the window. */
export const latencySpike = perMonitorDetector<'latency-spike', LatencyKey>({
  kind: 'latency-spike',
  what: 'Latency spike',
  applies: (config, sample) => typeof sample.measurements[config.metric] === 'number',
  createKey: () => ({ slow: createWindow(LATENCY_WINDOW_MAX), baseline: createBaseline() }),
  judge(config, key, sample, now) {
    const value = sample.measurements[config.metric];
    if (typeof value !== 'number' || !Number.isFinite(value)) return NO_JUDGEMENT;
    // Judge against the baseline before this sample joins it.
    const base = config.baselineFactor === null ? null : baselineValue(key.baseline, now, config.baselineMin);
    const overThreshold = config.thresholdMs !== null && value > config.thresholdMs;
    const overBaseline =
      base !== null && config.baselineFactor !== null && value > base * config.baselineFactor;
    updateBaseline(key.baseline, now, value);
    const bad = overThreshold || overBaseline;
    pruneWindow(key.slow, now, config.windowMs);
    pushWindow(key.slow, now, bad ? 1 : 0);
    const samples = windowCount(key.slow);
    const slow = windowSum(key.slow);
    const reason = overThreshold && overBaseline ? 'both' : overThreshold ? 'threshold' : 'baseline';
    return {
      verdict: bad ? 'bad' : 'clear',
      firing: slow >= config.minSamples && slow >= samples * LATENCY_MIN_SHARE,
      digest: bad ? reason : undefined,
      describe: () => {
        const limits: string[] = [];
        if (overThreshold) limits.push(`the ${formatDuration(config.thresholdMs ?? 0)} threshold`);
        if (overBaseline) limits.push(`${config.baselineFactor}× the usual ${formatDuration(base ?? 0)}`);
        const over = limits.length > 0 ? ` over ${limits.join(' and ')}` : '';
        return {
          summary: `${config.metric} ${formatDuration(value)}${over}; ${slow} of ${samples} sample(s) slow within ${humanDuration(config.windowMs)}`,
          signature: `latency-spike:${sample.monitorId}:${config.metric}`,
          details: {
            metric: config.metric,
            value,
            thresholdMs: config.thresholdMs,
            baseline: base,
            baselineFactor: config.baselineFactor,
            slowSamples: slow,
            samples,
            windowMs: config.windowMs,
            reason,
          },
        };
      },
    };
  },
  reset: (key) => clearWindow(key.slow),
});
