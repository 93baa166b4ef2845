import { evaluateCondition } from '../condition.js';
import {
  clearWindow,
  createWindow,
  pruneWindow,
  pushWindow,
  type SlidingWindow,
  windowCount,
} from '../window.js';
import { humanDuration } from './lifecycle.js';
import { perMonitorDetector } from './per-monitor.js';

interface CustomKey {
  /** Times the condition held; only the last `count` matter. */
  matched: SlidingWindow;
}

/** Custom: the playbook's `when` condition held in `count` samples within the window. */
export const custom = perMonitorDetector<'custom', CustomKey>({
  kind: 'custom',
  what: 'Condition met',
  // A monitor gets a key only once the condition first holds for it.
  applies: (config, sample) => evaluateCondition(config.condition, sample),
  createKey: (config) => ({ matched: createWindow(config.count) }),
  judge(config, key, sample, now) {
    pruneWindow(key.matched, now, config.windowMs);
    const holds = evaluateCondition(config.condition, sample);
    if (holds) pushWindow(key.matched, now, 1);
    const count = windowCount(key.matched);
    return {
      verdict: holds ? 'bad' : 'clear',
      firing: count >= config.count,
      describe: () => ({
        summary: `"${config.when}" held in ${count} sample(s) within ${humanDuration(config.windowMs)}`,
        signature: `custom:${config.id}:${sample.monitorId}`,
        details: { when: config.when, matches: count, count: config.count, windowMs: config.windowMs },
      }),
    };
  },
  reset: (key) => clearWindow(key.matched),
});
