import { createHash, randomBytes } from 'node:crypto';
import type { IncidentEffect } from '../../core/ops/incident.js';
import type { Signal } from '../../core/ops/types.js';
import type { JobQueue } from '../../jobs/index.js';
import type { PlaybookOps } from '../../playbook/ops.js';

export const ACTION_JOB = 'action';
/** Attempts of an action job: a webhook receiver down for a while (network, 5xx) is tried again with backoff. */
export const ACTION_MAX_ATTEMPTS = 8;
/** Like timers and deliveries: before monitor executions due at the same time. */
const URGENT = -10;

/** The payload of an action job: one run of one action on one incident. */
export interface ActionPayload {
  /** The run's id, made before the job is queued; the run record carries it. */
  runId: string;
  incidentId: string;
  actionId: string;
  /** `detector:<id>` for a trigger, else the person who asked (their actor). */
  requestedBy: string;
  /** The monitor whose sample triggered (a `rerun` without monitors runs it again). */
  monitorId?: string;
  /** The triggering signal came from a drill. */
  drill?: boolean;
  /** Set when a person approved the run: the job may start it from pending-approval. */
  approvedBy?: string;
}

/** The job key of an action run: one job per run. */
export function actionJobKey(runId: string): string {
  return `action:${runId}`;
}

/** A new run id, for a person's request. */
export function newRunId(): string {
  return `act_${randomBytes(12).toString('base64url')}`;
}

/**
 * The run id of an action a trigger starts: the same incident, opening cycle and action give the same id,
 * so a step decided again (a write conflict, a crash before the state was written) queues the same run.
 */
export function triggerRunId(incidentId: string, cycle: number, actionId: string): string {
  const digest = createHash('sha256').update(`${incidentId}\n${cycle}\n${actionId}`).digest('base64url');
  return `act_t${digest.slice(0, 22)}`;
}

/** Queues one action run (keyed: queuing the same run again keeps the one job). */
export async function enqueueActionRun(jobs: Pick<JobQueue, 'add'>, payload: ActionPayload): Promise<void> {
  await jobs.add(ACTION_JOB, payload, {
    key: actionJobKey(payload.runId),
    keyMode: 'preserve',
    maxAttempts: ACTION_MAX_ATTEMPTS,
    priority: URGENT,
  });
}

/**
 * The hook of the incident engine: when a step opened or re-opened an incident (a trigger, not an update),
 * queues a run of each of the triggering detector's actions. The job applies the guards when it runs.
 */
export async function enqueueTriggeredActions(
  jobs: Pick<JobQueue, 'add'>,
  incidentId: string,
  ops: PlaybookOps,
  signal: Signal,
  cycle: number,
  effects: readonly IncidentEffect[],
): Promise<number> {
  const triggered = effects.some(
    (e) => e.type === 'timeline' && (e.entry.type === 'triggered' || e.entry.type === 'reopened'),
  );
  if (!triggered) return 0;
  const actions = ops.detectors.find((d) => d.id === signal.detectorId)?.actions ?? [];
  for (const actionId of actions) {
    await enqueueActionRun(jobs, {
      runId: triggerRunId(incidentId, cycle, actionId),
      incidentId,
      actionId,
      requestedBy: `detector:${signal.detectorId}`,
      monitorId: signal.monitorId,
      ...(signal.details.drill === true && { drill: true }),
    });
  }
  return actions.length;
}
