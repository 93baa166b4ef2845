import { InputError } from '../errors.js';
import {
  cancelEscalation,
  cancelMetClocks,
  cancelTimers,
  clockBreached,
  clockMet,
  levelTargets,
  notifiedTargets,
  notifyEach,
  planClocks,
  SYSTEM_ACTOR,
  scheduleNextLevel,
  unique,
} from './incident-plan.js';
import type { TimelineEntry } from './incident-record.js';
import type { IncidentCommand, IncidentEffect, IncidentState, StepResult } from './incident-types.js';
import type { EscalationPolicy, IncidentStatus, SeverityConfig, Signal } from './types.js';

export type * from './incident-types.js';

/**
 * The incident and escalation state machine: `step` decides, the runtime acts on the effects (durable
 * timers, deliveries, timeline rows). Pure: `now` is passed in, the input state is never mutated, and
 * the same step from the same state yields the same effects, so a runtime that crashes after deciding
 * and re-runs the step delivers nothing twice (delivery keys) and schedules nothing twice (timer keys).
 */

/** The severities and policies of a playbook's ops section, as `configFor` reads them (an OpsConfig fits). */
export interface IncidentConfig {
  severities: SeverityConfig[];
  escalation: EscalationPolicy[];
}

/** The configuration of a severity id (the playbook loader guarantees each has one; tests may not). */
export function configFor(
  config: IncidentConfig,
  severity: string,
): { policy: EscalationPolicy | null; severity: SeverityConfig } {
  const found = config.severities.find((s) => s.id === severity);
  if (!found) throw new InputError('incident.unknown-severity', `no severity ${severity} is configured`);
  return { policy: config.escalation.find((p) => p.severity === severity) ?? null, severity: found };
}

/** The severity whose configuration `step` needs for this command (null: no incident and no trigger). */
export function commandSeverity(state: IncidentState | null, command: IncidentCommand): string | null {
  if (command.type === 'severity') return command.severity;
  if (state) return state.severity;
  return command.type === 'trigger' ? command.signal.severity : null;
}

type Ctx = { policy: EscalationPolicy | null; severity: SeverityConfig; now: number };

/**
 * Applies one command. `policy` and `severity` are the configuration of the incident's severity after
 * the command (for a `severity` command, the new one; for the opening trigger, the signal's).
 */
export function step(
  policy: EscalationPolicy | null,
  severity: SeverityConfig,
  state: IncidentState | null,
  command: IncidentCommand,
  now: number,
): StepResult {
  const ctx: Ctx = { policy, severity, now };
  if (state === null) {
    if (command.type !== 'trigger')
      throw new InputError('incident.not-open', `no incident to ${command.type}: only a trigger opens one`);
    checkConfig(ctx, command.signal.severity);
    return open(ctx, command.id, command.signal, command.autoResolve ?? true);
  }
  checkConfig(ctx, command.type === 'severity' ? command.severity : state.severity);
  if ('by' in command && command.by.trim() === '')
    throw new InputError('incident.actor-required', `${command.type} needs who did it`);
  const next = structuredClone(state);
  const effects = apply(ctx, next, command);
  // A command that decides nothing leaves the state as it was (e.g. a timer no longer pending).
  return effects === null ? { state, effects: [] } : { state: next, effects };
}

/** Runs a command on a copy of the state; null means "nothing happens". */
function apply(ctx: Ctx, state: IncidentState, command: IncidentCommand): IncidentEffect[] | null {
  switch (command.type) {
    case 'trigger':
      if (state.status === 'resolved')
        return reopen(
          ctx,
          state,
          `detector:${command.signal.detectorId}`,
          `flapped: ${command.signal.summary}`,
          {
            signalAt: command.signal.at,
            details: command.signal.details,
          },
        );
      return update(ctx, state, command.signal);
    case 'signal':
      if (state.status === 'resolved') return null;
      return command.signal.type === 'recover'
        ? recover(ctx, state, command.signal)
        : update(ctx, state, command.signal);
    case 'acknowledge':
      expectStatus(state, command.type, ['triggered']);
      state.status = 'acknowledged';
      state.acknowledgedAt = ctx.now;
      state.acknowledgedBy = command.by;
      return statusChange(ctx, state, 'acknowledged', command.by, `Acknowledged by ${command.by}`);
    case 'attempt': {
      expectStatus(state, command.type, ['triggered', 'acknowledged', 'mitigated']);
      const first = state.firstAttemptAt === null;
      if (first) state.firstAttemptAt = ctx.now;
      const via = command.via ?? 'attempt';
      return [
        timeline(ctx, via, command.by, command.what, { firstAttempt: first }),
        ...cancelMetClocks(state),
      ];
    }
    case 'mitigate':
      expectStatus(state, command.type, ['triggered', 'acknowledged']);
      state.status = 'mitigated';
      state.mitigatedAt = ctx.now;
      return statusChange(
        ctx,
        state,
        'mitigated',
        command.by,
        command.message ?? `Mitigated by ${command.by}`,
      );
    case 'resolve':
      expectStatus(state, command.type, ['triggered', 'acknowledged', 'mitigated']);
      return resolve(ctx, state, command.by, command.message ?? `Resolved by ${command.by}`);
    case 'note':
      return note(ctx, state, command.by, command.text);
    case 'reopen':
      expectStatus(state, command.type, ['resolved']);
      return reopen(ctx, state, command.by, command.reason ?? `Re-opened by ${command.by}`);
    case 'timer':
      return timer(ctx, state, command.key);
    case 'severity':
      expectStatus(state, command.type, ['triggered', 'acknowledged', 'mitigated']);
      return changeSeverity(ctx, state, command.by);
  }
}

function open(ctx: Ctx, id: string, signal: Signal, autoResolve: boolean): StepResult {
  const state: IncidentState = {
    id,
    dedupKey: signal.dedupKey,
    status: 'triggered',
    severity: signal.severity,
    title: signal.title,
    summary: signal.summary,
    signature: signal.signature,
    detectorId: signal.detectorId,
    detectorKind: signal.detectorKind,
    monitorId: signal.monitorId,
    environment: signal.environment,
    autoResolve,
    triggeredAt: ctx.now,
    openedAt: ctx.now,
    cycle: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    firstAttemptAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    escalation: { round: 1, level: 1 },
    notified: [],
    breaches: [],
    timers: {},
    notes: 0,
  };
  const entry = timeline(
    ctx,
    'triggered',
    `detector:${signal.detectorId}`,
    `${signal.title}: ${signal.summary}`,
    {
      severity: signal.severity,
      dedupKey: signal.dedupKey,
      signature: signal.signature,
      monitorId: signal.monitorId,
      environment: signal.environment,
      signalAt: signal.at,
      details: signal.details,
    },
  );
  return { state, effects: [entry, ...firstLevel(ctx, state, 'triggered', [])] };
}

/**
 * Notifies level 1 and plans the rest of the cycle. With no levels the update targets hear of the
 * trigger instead, so a policy of updates only still tells someone.
 */
function firstLevel(ctx: Ctx, state: IncidentState, event: 'triggered' | 'reopened', also: string[]) {
  const levelOne = levelTargets(ctx.policy, 1);
  const targets = unique([...(levelOne.length > 0 ? levelOne : (ctx.policy?.updates ?? [])), ...also]);
  state.notified = [{ round: 1, level: 1, targets }];
  return [
    ...notifyEach(state, targets, event, '1:1', { round: 1, level: 1 }),
    ...scheduleNextLevel(state, ctx.policy),
    ...planClocks(state, ctx.severity),
  ];
}

function update(ctx: Ctx, state: IncidentState, signal: Signal): IncidentEffect[] {
  state.summary = signal.summary;
  return [
    timeline(ctx, 'signal', `detector:${signal.detectorId}`, signal.summary, {
      signalType: signal.type,
      signalAt: signal.at,
      details: signal.details,
    }),
  ];
}

function recover(ctx: Ctx, state: IncidentState, signal: Signal): IncidentEffect[] {
  const actor = `detector:${signal.detectorId}`;
  const entry = timeline(ctx, 'recovered', actor, signal.summary, {
    signalAt: signal.at,
    autoResolve: state.autoResolve,
  });
  if (!state.autoResolve) return [entry];
  return [entry, ...resolve(ctx, state, actor, 'Resolved automatically: the detector recovered')];
}

function resolve(ctx: Ctx, state: IncidentState, by: string, message: string): IncidentEffect[] {
  state.status = 'resolved';
  state.resolvedAt = ctx.now;
  state.resolvedBy = by;
  return statusChange(ctx, state, 'resolved', by, message);
}

/** Acknowledged, mitigated, resolved: stop what the new status makes moot, tell everyone involved. */
function statusChange(
  ctx: Ctx,
  state: IncidentState,
  event: 'acknowledged' | 'mitigated' | 'resolved',
  by: string,
  message: string,
): IncidentEffect[] {
  const cancels =
    event === 'resolved'
      ? cancelTimers(state, Object.keys(state.timers).sort())
      : [...cancelEscalation(state), ...cancelMetClocks(state)];
  const { round, level } = state.escalation;
  return [
    timeline(ctx, event, by, message, {}),
    ...cancels,
    ...notifyEach(state, everyoneInvolved(ctx, state), event, `${round}:${level}`, { round, level }),
  ];
}

function note(ctx: Ctx, state: IncidentState, by: string, text: string): IncidentEffect[] {
  if (text.trim() === '') throw new InputError('incident.note-empty', 'a note needs some text');
  state.notes += 1;
  const entry = timeline(ctx, 'note', by, text, {});
  // Notes after the resolution are for the record (the post-incident review), not for pagers.
  if (state.status === 'resolved') return [entry];
  return [entry, ...notifyEach(state, everyoneInvolved(ctx, state), 'note', `${state.notes}`, { text })];
}

/** A new cycle: cleared milestones, escalation from level 1, clocks from now. */
function reopen(
  ctx: Ctx,
  state: IncidentState,
  by: string,
  reason: string,
  /** The re-triggering signal's time and details (a flap), kept like a trigger's for the report. */
  signal: Record<string, unknown> = {},
): IncidentEffect[] {
  // Those told of the resolution (everyone involved) hear that it is back; level 1 is paged again.
  const told = everyoneInvolved(ctx, state);
  state.status = 'triggered';
  state.cycle += 1;
  state.openedAt = ctx.now;
  state.acknowledgedAt = null;
  state.acknowledgedBy = null;
  state.firstAttemptAt = null;
  state.mitigatedAt = null;
  state.resolvedAt = null;
  state.resolvedBy = null;
  state.escalation = { round: 1, level: 1 };
  // Resolve cancelled every timer; a leftover would belong to the old cycle and must not fire.
  const leftovers = cancelTimers(state, Object.keys(state.timers).sort());
  return [
    timeline(ctx, 'reopened', by, reason, { cycle: state.cycle, ...signal }),
    ...leftovers,
    ...firstLevel(ctx, state, 'reopened', told),
  ];
}

function timer(ctx: Ctx, state: IncidentState, key: string): IncidentEffect[] | null {
  const pending = state.timers[key];
  if (!pending) return null;
  delete state.timers[key];
  if (pending.kind === 'escalate') {
    // Acknowledging cancels escalation; a pending escalation timer on a non-triggered incident is a leftover.
    if (state.status !== 'triggered') return [];
    const { round, level } = pending;
    const targets = levelTargets(ctx.policy, level);
    state.escalation = { round, level };
    state.notified.push({ round, level, targets });
    return [
      timeline(ctx, 'escalated', SYSTEM_ACTOR, `Not acknowledged: level ${level} (round ${round}) notified`, {
        round,
        level,
        targets,
      }),
      ...notifyEach(state, targets, 'escalated', `${round}:${level}`, { round, level }),
      ...scheduleNextLevel(state, ctx.policy),
    ];
  }
  const { clock, due } = pending;
  if (clockMet(state, clock) || clockBreached(state, clock)) return [];
  state.breaches.push({ clock, deadline: due, at: ctx.now, cycle: state.cycle });
  const { round, level } = state.escalation;
  const current = levelTargets(ctx.policy, Math.min(level, ctx.policy?.levels.length ?? 0));
  const targets = unique([...current, ...(ctx.policy?.updates ?? [])]);
  return [
    { type: 'breach', clock, deadline: due, at: ctx.now },
    timeline(ctx, 'breach', SYSTEM_ACTOR, `The ${clock} clock ran out`, { clock, deadline: due, targets }),
    ...notifyEach(state, targets, 'breach', clock, { round, level, clock }),
  ];
}

/**
 * Re-plans clocks from the cycle's opening and, while unacknowledged, escalation under the new policy:
 * targets of the new policy up to the current level who were not told yet are notified now.
 */
function changeSeverity(ctx: Ctx, state: IncidentState, by: string): IncidentEffect[] | null {
  const from = state.severity;
  const to = ctx.severity.id;
  if (from === to) return null;
  state.severity = to;
  const effects: IncidentEffect[] = [
    timeline(ctx, 'severity', by, `Severity changed from ${from} to ${to}`, { from, to }),
    ...planClocks(state, ctx.severity),
  ];
  if (state.status !== 'triggered') return effects;
  // The position never moves back (a level already passed is not notified again under its old key);
  // a policy with fewer levels simply has nothing more to notify this round.
  const { round, level } = state.escalation;
  const upTo = Math.min(level, ctx.policy?.levels.length ?? 0);
  const told = new Set(notifiedTargets(state));
  const missing = unique(
    Array.from({ length: upTo }, (_, i) => levelTargets(ctx.policy, i + 1))
      .flat()
      .filter((target) => !told.has(target)),
  );
  if (missing.length > 0) state.notified.push({ round, level, targets: missing });
  effects.push(
    ...cancelEscalation(state),
    ...notifyEach(state, missing, 'escalated', 'severity', { round, level }),
    ...scheduleNextLevel(state, ctx.policy),
  );
  return effects;
}

/** Everyone notified in this cycle plus the policy's update targets. */
function everyoneInvolved(ctx: Ctx, state: IncidentState): string[] {
  return unique([...notifiedTargets(state), ...(ctx.policy?.updates ?? [])]);
}

function timeline(
  ctx: Ctx,
  type: string,
  actor: string,
  message: string,
  data: Record<string, unknown>,
): IncidentEffect {
  const entry: TimelineEntry = { at: ctx.now, type, actor, message, data };
  return { type: 'timeline', entry };
}

function expectStatus(state: IncidentState, command: string, allowed: readonly IncidentStatus[]): void {
  if (allowed.includes(state.status)) return;
  throw new InputError(
    'incident.invalid-transition',
    `incident ${state.id} is ${state.status}: cannot ${command} it (possible from ${allowed.join(', ')})`,
  );
}

function checkConfig(ctx: Ctx, severity: string): void {
  if (ctx.severity.id !== severity)
    throw new InputError(
      'incident.severity-mismatch',
      `the severity configuration given is ${ctx.severity.id}, the incident's severity is ${severity}`,
    );
  if (ctx.policy && ctx.policy.severity !== severity)
    throw new InputError(
      'incident.severity-mismatch',
      `the escalation policy given is for ${ctx.policy.severity}, the incident's severity is ${severity}`,
    );
}
