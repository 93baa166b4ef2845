import { GangwayError, InputError } from '../../core/errors.js';
import {
  type IncidentCommand,
  type IncidentEffect,
  type IncidentState,
  step,
} from '../../core/ops/incident.js';
import type { Signal } from '../../core/ops/types.js';
import type { JobQueue } from '../../jobs/index.js';
import type { PlaybookOps } from '../../playbook/ops.js';
import type { Incident, IncidentEventInput, IncidentPatch, Store } from '../../store/index.js';
import type { PlaybookVersions } from '../playbooks.js';
import { enqueueTriggeredActions } from './actions-queue.js';

export const INCIDENT_TIMER_JOB = 'incident-timer';
export const NOTIFY_JOB = 'notify';

/** What the incident engine needs: the store, the queue for timers and deliveries, the playbooks, a clock. */
export interface IncidentDeps {
  store: Store;
  jobs: Pick<JobQueue, 'add' | 'remove'>;
  versions: PlaybookVersions;
  now(): number;
}

/** Where a signal comes from: the onboarding whose monitor produced it, on which playbook version. */
export interface SignalScope {
  onboardingId: string;
  partnerId: string;
  playbookVersionId: string;
  ops: PlaybookOps;
}

/** The payload of a notify job: everything needed to deliver once, looked up again at delivery time. */
export interface NotifyPayload {
  incidentId: string;
  notifier: string;
  deliveryKey: string;
  event: string;
  level?: number;
  text?: string;
}

const CONFLICT_RETRIES = 8;
/** Timers and deliveries go before monitor executions and runs that are due at the same time. */
const URGENT = -10;

/** Opens, updates or recovers the incident a detector signal is about (deduplicated by its key). */
export async function applySignal(
  deps: IncidentDeps,
  scope: SignalScope,
  signal: Signal,
): Promise<Incident | undefined> {
  const open = await deps.store.incidents.findOpen(signal.dedupKey);
  if (!open && signal.type !== 'trigger') return undefined; // recovered or updated after a resolve: nothing open
  let incident = open;
  if (!incident) {
    // A flap (the detector re-triggered within its flap window after a recovery) re-opens the last incident of the key.
    const flapped =
      signal.details.flapping === true ? await deps.store.incidents.lastResolved(signal.dedupKey) : undefined;
    incident =
      flapped ??
      (
        await deps.store.incidents.open(
          {
            onboardingId: scope.onboardingId,
            partnerId: scope.partnerId,
            playbookVersionId: scope.playbookVersionId,
            environment: signal.environment,
            dedupKey: signal.dedupKey,
            detectorId: signal.detectorId,
            detectorKind: signal.detectorKind,
            severity: signal.severity,
            title: signal.title,
            summary: signal.summary,
            components: [signal.monitorId],
            signature: signal.signature,
            openedAt: signal.at,
          },
          { actor: `detector:${signal.detectorId}` },
        )
      ).incident;
  }
  const autoResolve = scope.ops.detectors.find((d) => d.id === signal.detectorId)?.autoResolve ?? true;
  // A state never written (a crash after the open) is opened by this signal; a resolved incident here is a flap.
  const command: IncidentCommand =
    signal.type === 'trigger' || incident.state === null
      ? { type: 'trigger', id: incident.id, signal, autoResolve }
      : { type: 'signal', signal };
  return commit(deps, incident, command, `detector:${signal.detectorId}`, scope.ops);
}

/** Applies a person's or a timer's command to an incident (acknowledge, resolve, note, timer, ...). */
export async function applyCommand(
  deps: IncidentDeps,
  incidentId: string,
  command: IncidentCommand,
  actor: string,
): Promise<Incident> {
  const incident = await deps.store.incidents.get(incidentId);
  if (!incident) throw new InputError('incident.not-found', `no incident ${incidentId}`);
  return commit(deps, incident, command, actor);
}

/** The operations config of the playbook version an incident was opened under. */
async function opsOf(deps: IncidentDeps, incident: Incident): Promise<PlaybookOps> {
  if (!incident.playbookVersionId)
    throw new GangwayError('incident.no-playbook', `incident ${incident.id} has no playbook version`);
  return (await deps.versions.get(incident.playbookVersionId)).playbook.ops;
}

/**
 * Decides with the pure state machine, then acts: deliveries and timers are queued before the state is
 * written (a crash in between re-runs the same step, whose keys are the same, so nothing is sent twice),
 * the state and the timeline are written under the incident's version, and cancelled timers are removed
 * last. A concurrent writer makes the write conflict: the step is re-decided on the fresh state.
 */
async function commit(
  deps: IncidentDeps,
  first: Incident,
  command: IncidentCommand,
  actor: string,
  known?: PlaybookOps,
): Promise<Incident> {
  const ops = known ?? (await opsOf(deps, first));
  let incident = first;
  for (let attempt = 0; ; attempt++) {
    const state = incident.state as IncidentState | null;
    const severityId =
      command.type === 'severity' ? command.severity : (state?.severity ?? incident.severity);
    const severity = ops.severities.find((s) => s.id === severityId);
    if (!severity)
      throw new InputError('incident.severity', `severity ${severityId} is not declared in the playbook`);
    const policy = ops.escalation.find((p) => p.severity === severityId) ?? null;
    const now = deps.now();
    const { state: next, effects } = step(policy, severity, state, command, now);
    if (effects.length === 0) return incident;
    await enqueue(deps, incident.id, effects);
    // A trigger that opened or re-opened the incident runs its detector's actions (queued before the write, as above).
    if (command.type === 'trigger')
      await enqueueTriggeredActions(deps.jobs, incident.id, ops, command.signal, next.cycle, effects);
    try {
      const updated = await deps.store.incidents.update(
        incident.id,
        incident.version,
        patchOf(next),
        timelineOf(effects),
        {
          actor,
        },
      );
      await cancel(deps, effects);
      return updated;
    } catch (error) {
      if (!(error instanceof InputError) || error.code !== 'incident.conflict' || attempt >= CONFLICT_RETRIES)
        throw error;
      const fresh = await deps.store.incidents.get(incident.id);
      if (!fresh) throw error;
      incident = fresh;
    }
  }
}

function patchOf(state: IncidentState): IncidentPatch {
  return {
    state,
    status: state.status,
    severity: state.severity,
    title: state.title,
    summary: state.summary,
    acknowledgedAt: state.acknowledgedAt,
    firstAttemptAt: state.firstAttemptAt,
    mitigatedAt: state.mitigatedAt,
    resolvedAt: state.resolvedAt,
  };
}

function timelineOf(effects: readonly IncidentEffect[]): IncidentEventInput[] {
  return effects.flatMap((e) =>
    e.type === 'timeline'
      ? [
          {
            at: e.entry.at,
            type: e.entry.type,
            actor: e.entry.actor,
            message: e.entry.message,
            data: e.entry.data,
          },
        ]
      : [],
  );
}

/** The job key of an incident timer (timer keys from the state machine are unique across incidents). */
export function timerJobKey(key: string): string {
  return `incident-timer:${key}`;
}

async function enqueue(
  deps: IncidentDeps,
  incidentId: string,
  effects: readonly IncidentEffect[],
): Promise<void> {
  for (const effect of effects) {
    if (effect.type === 'schedule') {
      await deps.jobs.add(
        INCIDENT_TIMER_JOB,
        { incidentId, key: effect.key },
        { runAt: new Date(effect.at), key: timerJobKey(effect.key), maxAttempts: 25, priority: URGENT },
      );
    } else if (effect.type === 'notify') {
      for (const notifier of effect.targets) {
        // One target per notify effect; its key already names the target.
        const deliveryKey =
          effect.targets.length === 1 ? effect.deliveryKey : `${effect.deliveryKey}:${notifier}`;
        // Decided again after a conflict, or replayed: a delivery already begun is not queued twice (its job
        // may be running, and a running job does not hold its key against a new one).
        if (await deps.store.deliveries.get(deliveryKey)) continue;
        const payload: NotifyPayload = {
          incidentId,
          notifier,
          deliveryKey,
          event: effect.event,
          ...(effect.level !== undefined && { level: effect.level }),
          ...(effect.text !== undefined && { text: effect.text }),
        };
        // keyMode preserve: a re-run of the same step must not restart a delivery already backing off.
        await deps.jobs.add(NOTIFY_JOB, payload, {
          key: `notify:${payload.deliveryKey}`,
          keyMode: 'preserve',
          maxAttempts: 25,
          priority: URGENT,
        });
      }
    }
  }
}

async function cancel(deps: IncidentDeps, effects: readonly IncidentEffect[]): Promise<void> {
  for (const effect of effects) if (effect.type === 'cancel') await deps.jobs.remove(timerJobKey(effect.key));
}

/** The job that fires an incident's durable timer: idempotent, the state machine ignores a timer no longer pending. */
export function incidentTimerHandler(deps: IncidentDeps) {
  return async ({ payload }: { payload: unknown }): Promise<void> => {
    const { incidentId, key } = (payload ?? {}) as { incidentId?: unknown; key?: unknown };
    if (typeof incidentId !== 'string' || typeof key !== 'string')
      throw new GangwayError('job.payload', 'an incident-timer job names no incidentId and key');
    const incident = await deps.store.incidents.get(incidentId);
    if (!incident || incident.state === null) return;
    await commit(deps, incident, { type: 'timer', key }, 'gangway');
  };
}

/**
 * Re-queues the pending timers of every open incident (keys make it idempotent): covers a crash after an
 * incident's state was written but before its timer job was added.
 */
export async function reconcileTimers(deps: IncidentDeps): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.incidents.list({
      status: ['triggered', 'acknowledged', 'mitigated'],
      limit: 200,
      ...(cursor && { cursor }),
    });
    for (const incident of page.items) {
      const state = incident.state as IncidentState | null;
      for (const [key, timer] of Object.entries(state?.timers ?? {})) {
        await deps.jobs.add(
          INCIDENT_TIMER_JOB,
          { incidentId: incident.id, key },
          {
            runAt: new Date(timer.due),
            key: timerJobKey(key),
            keyMode: 'preserve',
            maxAttempts: 25,
            priority: URGENT,
          },
        );
        count++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}
