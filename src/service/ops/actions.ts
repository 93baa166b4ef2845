import { InputError } from '../../core/errors.js';
import type { ActionConfig } from '../../core/ops/types.js';
import type { ActionRun, ActionRunStatus, Incident } from '../../store/index.js';
import { guardAction, guardWindowMs } from './actions-guard.js';
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

/** The guards' verdict for a run of `action` on the incident's onboarding, now. */
async function decide(deps: IncidentDeps, incident: Incident, action: ActionConfig, approved: boolean) {
  const now = deps.now();
  const recent = await deps.store.actions.countedTimes(
    { actionId: action.id, ...(incident.onboardingId && { onboardingId: incident.onboardingId }) },
    now - guardWindowMs(action),
  );
  return guardAction(action, recent, now, approved);
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
  const decision = await decide(deps, incident, action, false);
  const detail: RunDetail = {
    requestedBy: p.requestedBy,
    ...(p.monitorId !== undefined && { monitorId: p.monitorId }),
    ...(p.drill && { drill: true }),
    ...(decision.verdict === 'skip' && { reason: decision.reason, guard: decision.guard }),
  };
  const status: ActionRunStatus =
    decision.verdict === 'skip'
      ? 'suppressed'
      : decision.verdict === 'approval'
        ? 'pending-approval'
        : 'running';
  if (status === 'running') await start?.();
  let run: ActionRun;
  try {
    run = await deps.store.actions.record(
      { id: p.runId, incidentId: incident.id, actionId: action.id, status, detail },
      { actor: p.requestedBy },
    );
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
  await actionEvent(deps, run, decision.verdict === 'run' ? 'requested' : status, p.requestedBy, message, {
    type: action.type,
    ...(decision.verdict === 'skip' && { reason: decision.reason, guard: decision.guard }),
  });
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
  const decision = await decide(deps, incident, action, true);
  if (decision.verdict === 'skip') {
    const skipped = await deps.store.actions.update(
      run.id,
      {
        status: 'suppressed',
        from: 'pending-approval',
        detail: { ...detail, approvedBy: by, reason: decision.reason, guard: decision.guard },
      },
      { actor: by },
    );
    await actionEvent(
      deps,
      run,
      'suppressed',
      by,
      `${describeAction(action)} approved by ${by} but skipped: ${decision.reason}`,
      {
        reason: decision.reason,
        guard: decision.guard,
        approvedBy: by,
      },
    );
    return skipped;
  }
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
    return await startApproved(deps, run, by, describeAction(action));
  } catch (error) {
    // The job may have started the run first (it carries the approval): that is this approval, done.
    const now = await deps.store.actions.get(run.id);
    if (now && now.status !== 'suppressed' && (now.detail as RunDetail | null)?.approvedBy === by) return now;
    throw error;
  }
}

/** Moves an approved run from pending-approval to running (once: a second caller gets 'action-run.conflict'). */
export async function startApproved(
  deps: Pick<IncidentDeps, 'store' | 'now'>,
  run: ActionRun,
  by: string,
  what: string,
): Promise<ActionRun> {
  const started = await deps.store.actions.update(
    run.id,
    { status: 'running', from: 'pending-approval', detail: { ...(run.detail as RunDetail), approvedBy: by } },
    { actor: by },
  );
  await actionEvent(deps, run, 'running', by, `${what} approved by ${by} (run ${run.id})`, {
    approvedBy: by,
  });
  return started;
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
