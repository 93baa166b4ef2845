import type { ActionConfig } from '../../core/ops/types.js';

const HOUR_MS = 60 * 60_000;

/** What the guards say about a run that is about to start. */
export type GuardDecision =
  | { verdict: 'run' }
  | { verdict: 'approval' }
  | { verdict: 'skip'; guard: 'cooldown' | 'rate'; reason: string; until: number };

/**
 * Decides whether a run of `action` may start at `now`, from when the earlier counted runs of the same action
 * for the same onboarding started (`recent`, epoch ms, any order). The cool-down and the hourly cap come
 * first: a run they suppress does not bother an approver. `approved`: a person already approved this run,
 * so only the cool-down and the cap are left to check. Pure: the history and the clock are passed in.
 */
export function guardAction(
  action: Pick<ActionConfig, 'cooldownMs' | 'maxPerHour' | 'approval'>,
  recent: readonly number[],
  now: number,
  approved = false,
): GuardDecision {
  const past = recent.filter((at) => at <= now).sort((a, b) => a - b);
  const last = past.at(-1);
  if (last !== undefined && action.cooldownMs > 0 && now - last < action.cooldownMs) {
    const until = last + action.cooldownMs;
    return {
      verdict: 'skip',
      guard: 'cooldown',
      reason: `cool-down: last run ${seconds(now - last)} ago, next allowed in ${seconds(until - now)}`,
      until,
    };
  }
  const lastHour = past.filter((at) => now - at < HOUR_MS);
  if (lastHour.length >= action.maxPerHour) {
    // The oldest run in the hour leaving the window frees one slot.
    const until = (lastHour[lastHour.length - action.maxPerHour] ?? now) + HOUR_MS;
    return {
      verdict: 'skip',
      guard: 'rate',
      reason: `max per hour: ${lastHour.length} of ${action.maxPerHour} runs in the last hour, next allowed in ${seconds(until - now)}`,
      until,
    };
  }
  if (action.approval === 'manual' && !approved) return { verdict: 'approval' };
  return { verdict: 'run' };
}

/** How far back the guards look for `action`: its cool-down or an hour, whichever is longer. */
export function guardWindowMs(action: Pick<ActionConfig, 'cooldownMs'>): number {
  return Math.max(action.cooldownMs, HOUR_MS);
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 120) return `${s}s`;
  return `${Math.ceil(s / 60)}m`;
}
