import { InputError } from '../../core/errors.js';
import type { ActionConfig } from '../../core/ops/types.js';
import type { ActionRun, ActionRunStatus, Incident } from '../../store/index.js';
import { type GuardDecision, guardAction, guardWindowMs } from './actions-guard.js';
import { type ActionPayload, enqueueActionRun } from './actions-queue.js';
import type { IncidentDeps } from './incident-engine.js';

/**
 * Runs of automated actions, before and around their execution: the request (guards decide: skipped,
 * waiting for approval, or started), a person's approval or rejection. Every step is an action run record
 * (store.actions) and an `action` entry on the incident's timeline; execution is the action job's
 * (action-job.ts). Statuses: pending-approval, running, succeeded, failed, suppressed (skipped by a guard or
 * rejected; the reason is in the run's detail).
 */

/** What a run keeps besides its status: who asked, and what the job needs to run it after an approval. */
export interface RunDetail {
  requestedBy: string;
  monitorId?: string;
  drill?: boolean;
  /** Why it was skipped (a guard) or rejected. */
  reason?: string;
  guard?: 'cooldown' | 'rate' | 'rejected';
  approvedBy?: string;
  rejectedBy?: string;
  /** Outcome of the execution. */
  httpStatus?: number;
  result?: string;
  error?: string;
}

/** The action a playbook version declares under `actionId`; 'action.not-found' (404) when it does not. */
export async function actionOf(
  deps: Pick<IncidentDeps, 'versions'>,
  incident: Incident,
  actionId: string,
): Promise<ActionConfig> {
  const ops = incident.playbookVersionId
    ? (await deps.versions.get(incident.playbookVersionId)).playbook.ops
    : undefined;
  const action = ops?.actions.find((a) => a.id === actionId);
  if (!action) {
    const known = ops?.actions.map((a) => a.id) ?? [];
    throw new InputError(
      'action.not-found',
      `the incident's playbook version declares no action "${actionId}"${known.length > 0 ? ` (declared: ${known.join(', ')})` : ''}`,
    );
  }
  return action;
}

/** An `action` entry on the incident's timeline (one per step of a run). */
export async function actionEvent(
  deps: Pick<IncidentDeps, 'store' | 'now'>,
  run: Pick<ActionRun, 'id' | 'incidentId' | 'actionId'>,
  status: ActionRunStatus | 'requested',
  actor: string,
  message: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  if (!run.incidentId) return;
  await deps.store.incidents.addEvents(
    run.incidentId,
    [
      {
        at: deps.now(),
        type: 'action',
        actor,
        message,
        data: { runId: run.id, actionId: run.actionId, status, ...data },
      },
    ],
    { actor },
  );
}

/** The runs the guards of `action` count on the incident's onboarding, and how far back they look from `now`. */
function guardScope(incident: Incident, action: ActionConfig, now: number) {
  return {
    scope: { actionId: action.id, ...(incident.onboardingId && { onboardingId: incident.onboardingId }) },
    since: now - guardWindowMs(action),
  };
}

/**
 * The guards' verdict for a run of `action` on the incident's onboarding at `now`, read without a lock:
 * it says whether a job is worth queuing. The verdict that counts is the one taken again under the guards'
 * lock (store.actions.guarded) at the same `now`; runs are only ever added to what the guards count, so that
 * one can only be stricter.
 */
async function decide(
  deps: IncidentDeps,
  incident: Incident,
  action: ActionConfig,
  approved: boolean,
  now: number,
) {
  const { scope, since } = guardScope(incident, action, now);
  return guardAction(action, await deps.store.actions.countedTimes(scope, since), now, approved);
}

/** The verdict under the lock, never laxer than the one a job was (or was not) queued on. */
function stricter(locked: GuardDecision, before: GuardDecision): GuardDecision {
  return locked.verdict === 'run' && before.verdict !== 'run' ? before : locked;
}

function statusOf(decision: GuardDecision): ActionRunStatus {
  return decision.verdict === 'skip'
    ? 'suppressed'
    : decision.verdict === 'approval'
      ? 'pending-approval'
      : 'running';
}

/**
 * Asks for one run: the guards decide, the run is recorded (suppressed, pending-approval or running) and
 * lands on the timeline. Idempotent by run id: asked again (a replayed job), it returns the run as it is.
 * `start` is called before a running run is recorded — a person's request queues its job there, so a crash
 * in between leaves a job that records the run itself, never a running run without a job.
 */
export async function requestRun(
  deps: IncidentDeps,
  incident: Incident,
  p: ActionPayload,
  start?: () => Promise<void>,
): Promise<ActionRun> {
  const existing = await deps.store.actions.get(p.runId);
  if (existing) return existing;
  const action = await actionOf(deps, incident, p.actionId);
  const now = deps.now();
  const before = await decide(deps, incident, action, false, now);
  if (before.verdict === 'run') await start?.();
  let run: ActionRun;
  let decision: GuardDecision;
  try {
    const { scope, since } = guardScope(incident, action, now);
    ({ run, decision } = await deps.store.actions.guarded(scope, since, async (times, writer) => {
      const locked = stricter(guardAction(action, times, now, false), before);
      const recorded = await writer.record(
        {
          id: p.runId,
          incidentId: incident.id,
          actionId: action.id,
          status: statusOf(locked),
          detail: {
            requestedBy: p.requestedBy,
            ...(p.monitorId !== undefined && { monitorId: p.monitorId }),
            ...(p.drill && { drill: true }),
            ...(locked.verdict === 'skip' && { reason: locked.reason, guard: locked.guard }),
          } satisfies RunDetail,
        },
        { actor: p.requestedBy },
      );
      return { run: recorded, decision: locked };
    }));
  } catch (error) {
    // The run's job and the request that queued it raced to record it: the first one stands.
    const raced = await deps.store.actions.get(p.runId);
    if (raced) return raced;
    throw error;
  }
  const what = describeAction(action);
  const message =
    decision.verdict === 'skip'
      ? `${what} skipped: ${decision.reason}`
      : decision.verdict === 'approval'
        ? `${what} requested by ${p.requestedBy}: awaits approval (run ${run.id})`
        : `${what} requested by ${p.requestedBy} (run ${run.id})`;
  await actionEvent(
    deps,
    run,
    decision.verdict === 'run' ? 'requested' : run.status,
    p.requestedBy,
    message,
    {
      type: action.type,
      ...(decision.verdict === 'skip' && { reason: decision.reason, guard: decision.guard }),
    },
  );
  return run;
}

/** A run of the incident, or 'action-run.not-found' (404). */
export async function runOf(deps: Pick<IncidentDeps, 'store'>, incident: Incident, runId: string) {
  const run = await deps.store.actions.get(runId);
  if (!run || run.incidentId !== incident.id)
    throw new InputError('action-run.not-found', `incident ${incident.id} has no action run ${runId}`);
  return run;
}

/**
 * A person approves a run waiting for approval. The cool-down and the hourly cap are checked again (time
 * passed while it waited): a run they stop is suppressed. Otherwise its job is queued, then the run moves
 * to running. 'action-run.conflict' when it is no longer waiting (approved, rejected).
 */
export async function approveRun(
  deps: IncidentDeps,
  incident: Incident,
  runId: string,
  by: string,
): Promise<ActionRun> {
  const run = await runOf(deps, incident, runId);
  if (run.status !== 'pending-approval')
    throw new InputError(
      'action-run.conflict',
      `action run ${run.id} is ${run.status}, not pending-approval`,
    );
  const action = await actionOf(deps, incident, run.actionId);
  const detail = (run.detail ?? {}) as RunDetail;
  const now = deps.now();
  const before = await decide(deps, incident, action, true, now);
  if (before.verdict !== 'skip')
    await enqueueActionRun(deps.jobs, {
      runId: run.id,
      incidentId: incident.id,
      actionId: run.actionId,
      requestedBy: detail.requestedBy,
      ...(detail.monitorId !== undefined && { monitorId: detail.monitorId }),
      ...(detail.drill && { drill: true }),
      approvedBy: by,
    });
  try {
    return await startApproved(deps, incident, action, run, by, { now, before });
  } catch (error) {
    // The job may have moved the run first (it carries the approval): that is this approval, done.
    const current = await deps.store.actions.get(run.id);
    if (current && (current.detail as RunDetail | null)?.approvedBy === by) return current;
    throw error;
  }
}

/**
 * Moves an approved run from pending-approval to running — or to suppressed when the cool-down or the
 * hourly cap, checked under the guards' lock, now stop it (once: a second caller gets
 * 'action-run.conflict'). `at.before`: the verdict a job was queued on (a run it did not allow never starts).
 */
export async function startApproved(
  deps: Pick<IncidentDeps, 'store' | 'now'>,
  incident: Incident,
  action: ActionConfig,
  run: ActionRun,
  by: string,
  at: { now: number; before?: GuardDecision } = { now: deps.now() },
): Promise<ActionRun> {
  const { scope, since } = guardScope(incident, action, at.now);
  const { moved, decision } = await deps.store.actions.guarded(scope, since, async (times, writer) => {
    const locked = guardAction(action, times, at.now, true);
    const decision = at.before ? stricter(locked, at.before) : locked;
    const skip = decision.verdict === 'skip' && { reason: decision.reason, guard: decision.guard };
    const moved = await writer.update(
      run.id,
      {
        status: skip ? 'suppressed' : 'running',
        from: 'pending-approval',
        detail: { ...(run.detail as RunDetail), approvedBy: by, ...skip },
      },
      { actor: by },
    );
    return { moved, decision };
  });
  const what = describeAction(action);
  if (decision.verdict === 'skip')
    await actionEvent(
      deps,
      run,
      'suppressed',
      by,
      `${what} approved by ${by} but skipped: ${decision.reason}`,
      {
        reason: decision.reason,
        guard: decision.guard,
        approvedBy: by,
      },
    );
  else
    await actionEvent(deps, run, 'running', by, `${what} approved by ${by} (run ${run.id})`, {
      approvedBy: by,
    });
  return moved;
}

/** A person rejects a run waiting for approval: it is suppressed, with who and why. */
export async function rejectRun(
  deps: IncidentDeps,
  incident: Incident,
  runId: string,
  by: string,
  why?: string,
): Promise<ActionRun> {
  const run = await runOf(deps, incident, runId);
  const reason = `rejected by ${by}${why ? `: ${why}` : ''}`;
  const rejected = await deps.store.actions.update(
    run.id,
    {
      status: 'suppressed',
      from: 'pending-approval',
      detail: { ...(run.detail as RunDetail), rejectedBy: by, reason, guard: 'rejected' },
    },
    { actor: by },
  );
  await actionEvent(deps, run, 'suppressed', by, `${run.actionId} ${reason}`, {
    reason,
    guard: 'rejected',
    rejectedBy: by,
  });
  return rejected;
}

/** "throttle (webhook: throttle)" — the action as the timeline names it. */
export function describeAction(action: ActionConfig): string {
  const what =
    action.type === 'webhook'
      ? `webhook: ${action.purpose}`
      : action.type === 'ticket'
        ? `ticket via ${action.notifier}`
        : 'rerun';
  return `${action.id} (${what})`;
}
