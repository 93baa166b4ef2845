import type { IncidentEffect, IncidentState, NotifyEvent, PendingTimer } from './incident-types.js';
import type { ClockName, EscalationPolicy, SeverityConfig } from './types.js';
import { CLOCKS } from './types.js';

/**
 * The arithmetic of escalation and clocks, shared by the commands in incident.ts: when the next level
 * is due, whether a clock's condition is met, the keys of timers and deliveries.
 */

/** Who acts when no person does: timers and the engine itself. */
export const SYSTEM_ACTOR = 'gangway';

/** Length of one round: from its first level to the next round's first level. */
function roundLength(policy: EscalationPolicy): number {
  const last = policy.levels[policy.levels.length - 1];
  return (last?.afterMs ?? 0) + policy.repeatAfterMs;
}

/** When level `level` of round `round` (both 1-based) is due, counted from the cycle's opening. */
export function levelDue(policy: EscalationPolicy, openedAt: number, round: number, level: number): number {
  const after = policy.levels[level - 1]?.afterMs ?? 0;
  return openedAt + (round - 1) * roundLength(policy) + after;
}

/** The escalation step after (round, level), or null when the policy is exhausted. */
export function nextLevel(
  policy: EscalationPolicy | null,
  round: number,
  level: number,
): { round: number; level: number } | null {
  if (!policy || policy.levels.length === 0) return null;
  if (level < policy.levels.length) return { round, level: level + 1 };
  if (round < 1 + policy.repeat) return { round: round + 1, level: 1 };
  return null;
}

/** Targets of a level (1-based); none when the policy has no such level. */
export function levelTargets(policy: EscalationPolicy | null, level: number): string[] {
  return [...(policy?.levels[level - 1]?.notify ?? [])];
}

/** Whether what a clock waits for has happened in the current cycle. */
export function clockMet(state: IncidentState, clock: ClockName): boolean {
  // Later milestones imply earlier ones: mitigating without acknowledging still answers the page.
  const resolved = state.resolvedAt !== null;
  const mitigated = resolved || state.mitigatedAt !== null;
  switch (clock) {
    case 'acknowledge':
      return mitigated || state.acknowledgedAt !== null;
    case 'firstResolutionAttempt':
      return mitigated || state.firstAttemptAt !== null;
    case 'mitigate':
      return mitigated;
    case 'resolve':
      return resolved;
  }
}

/** Whether the clock already breached in the current cycle (a breach is recorded once). */
export function clockBreached(state: IncidentState, clock: ClockName): boolean {
  return state.breaches.some((b) => b.clock === clock && b.cycle === state.cycle);
}

/** Timer keys carry the due time so a re-planned timer never shares a key with the one it replaces. */
export function escalationKey(state: IncidentState, round: number, level: number, due: number): string {
  return `${state.id}:${state.cycle}:escalate:${round}:${level}@${due}`;
}

export function clockKey(state: IncidentState, clock: ClockName, due: number): string {
  return `${state.id}:${state.cycle}:clock:${clock}@${due}`;
}

/** One notify effect per target: each is one delivery, its key unique for the incident, cycle and event. */
export function notifyEach(
  state: IncidentState,
  targets: readonly string[],
  event: NotifyEvent,
  discriminator: string,
  extra: { round?: number; level?: number; clock?: ClockName; text?: string } = {},
): IncidentEffect[] {
  return unique(targets).map((target) => ({
    type: 'notify',
    targets: [target],
    event,
    ...extra,
    deliveryKey: `${state.id}:${state.cycle}:${event}:${discriminator}:${target}`,
  }));
}

/** Everyone notified in the current cycle, in the order they were notified. */
export function notifiedTargets(state: IncidentState): string[] {
  return unique(state.notified.flatMap((step) => step.targets));
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Pending timers of one kind, as [key, timer] pairs in key order (deterministic effects). */
export function pendingOf<K extends PendingTimer['kind']>(
  state: IncidentState,
  kind: K,
): Array<[string, Extract<PendingTimer, { kind: K }>]> {
  return Object.entries(state.timers)
    .filter((entry): entry is [string, Extract<PendingTimer, { kind: K }>] => entry[1].kind === kind)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Removes timers from the state and returns their cancel effects. */
export function cancelTimers(state: IncidentState, keys: readonly string[]): IncidentEffect[] {
  const effects: IncidentEffect[] = [];
  for (const key of keys) {
    if (!(key in state.timers)) continue;
    delete state.timers[key];
    effects.push({ type: 'cancel', key });
  }
  return effects;
}

/** Cancels the pending clock timers whose condition is now met. */
export function cancelMetClocks(state: IncidentState): IncidentEffect[] {
  const keys = pendingOf(state, 'clock')
    .filter(([, timer]) => clockMet(state, timer.clock))
    .map(([key]) => key);
  return cancelTimers(state, keys);
}

/** Cancels the pending escalation timer (acknowledged, mitigated, resolved, or re-planned). */
export function cancelEscalation(state: IncidentState): IncidentEffect[] {
  return cancelTimers(
    state,
    pendingOf(state, 'escalate').map(([key]) => key),
  );
}

/** Schedules the escalation step after the current position, if the policy has one. */
export function scheduleNextLevel(state: IncidentState, policy: EscalationPolicy | null): IncidentEffect[] {
  const next = nextLevel(policy, state.escalation.round, state.escalation.level);
  if (!next || !policy) return [];
  const due = levelDue(policy, state.openedAt, next.round, next.level);
  const key = escalationKey(state, next.round, next.level, due);
  state.timers[key] = { kind: 'escalate', due, round: next.round, level: next.level };
  return [{ type: 'schedule', key, at: due }];
}

/**
 * Plans every clock of the severity from the cycle's opening: a clock already met or breached is left
 * alone, a pending clock whose deadline changed is replaced, a clock the severity lacks is cancelled.
 * A deadline already past is scheduled in the past on purpose: the runtime fires it at once and the
 * breach goes through the one timer path.
 */
export function planClocks(state: IncidentState, severity: SeverityConfig): IncidentEffect[] {
  const effects: IncidentEffect[] = [];
  for (const clock of CLOCKS) {
    const pending = pendingOf(state, 'clock').filter(([, timer]) => timer.clock === clock);
    const ms = severity.clocks[clock];
    const due = ms === null ? null : state.openedAt + ms;
    const keep = due !== null && !clockMet(state, clock) && !clockBreached(state, clock);
    const stale = pending.filter(([, timer]) => !keep || timer.due !== due).map(([key]) => key);
    effects.push(...cancelTimers(state, stale));
    if (!keep || due === null || pending.some(([, timer]) => timer.due === due)) continue;
    const key = clockKey(state, clock, due);
    state.timers[key] = { kind: 'clock', due, clock };
    effects.push({ type: 'schedule', key, at: due });
  }
  return effects;
}
