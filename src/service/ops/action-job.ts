import { errorMessage, GangwayError, InputError } from '../../core/errors.js';
import type { JobHandler } from '../../jobs/index.js';
import { DeliveryError, scrub } from '../../notify/index.js';
import type { ActionRun, Incident } from '../../store/index.js';
import {
  actionEvent,
  actionOf,
  describeAction,
  type RunDetail,
  requestRun,
  startApproved,
} from './actions.js';
import type { ActionPayload } from './actions-queue.js';
import { type ExecuteDeps, executeAction } from './actions-run.js';
import { applyCommand, type IncidentDeps } from './incident-engine.js';
import { retryLater } from './notify-job.js';

export type ActionJobDeps = IncidentDeps & Pick<ExecuteDeps, 'clients'>;

/**
 * The job of one action run. A run it finds unrecorded (queued by a trigger, or by a request that crashed
 * before recording it) is requested first: the guards decide there. A running run is executed; a failure
 * worth retrying (network, 5xx, 408, 429) throws, so the queue retries with backoff, and the last attempt
 * records it failed. Idempotent: a replayed job finds the run finished (or waiting, or skipped) and stops.
 */
export function actionHandler(deps: ActionJobDeps): JobHandler {
  return async ({ payload, signal, attempt, maxAttempts }) => {
    const p = payload as Partial<ActionPayload> | null;
    if (
      typeof p?.runId !== 'string' ||
      typeof p.incidentId !== 'string' ||
      typeof p.actionId !== 'string' ||
      typeof p.requestedBy !== 'string'
    )
      throw new GangwayError(
        'job.payload',
        'an action job names no runId, incidentId, actionId and requestedBy',
      );
    const incident = await deps.store.incidents.get(p.incidentId);
    if (!incident) return;
    let run = await deps.store.actions.get(p.runId);
    if (!run) {
      try {
        run = await requestRun(deps, incident, p as ActionPayload);
      } catch (error) {
        // An action the playbook version does not declare cannot become declared by retrying.
        if (error instanceof InputError) return;
        throw error;
      }
    }
    if (run.status === 'pending-approval' && p.approvedBy !== undefined) {
      const action = await actionOf(deps, incident, run.actionId);
      run = await startApproved(deps, incident, action, run, p.approvedBy).catch(async (error) => {
        // The approver's request started it first.
        const now = await deps.store.actions.get(p.runId ?? '');
        if (!now) throw error;
        return now;
      });
    }
    if (run.status !== 'running') return;
    await execute(deps, incident, run, signal, attempt >= maxAttempts);
  };
}

async function execute(
  deps: ActionJobDeps,
  incident: Incident,
  run: ActionRun,
  signal: AbortSignal,
  last: boolean,
): Promise<void> {
  const action = await actionOf(deps, incident, run.actionId);
  const what = describeAction(action);
  const detail = (run.detail ?? {}) as RunDetail;
  const secrets: string[] = [];
  try {
    const done = await executeAction(deps, action, incident, run, signal, secrets);
    const text = scrub(done.result, secrets);
    await finish(deps, run, 'succeeded', {
      ...detail,
      result: text,
      ...(done.httpStatus !== undefined && { httpStatus: done.httpStatus }),
    });
    const message = `${what} succeeded: ${text} (run ${run.id})`;
    // A webhook (rollback, throttle, degraded mode) is a resolution attempt: it meets that clock.
    if (action.type === 'webhook' && incident.status !== 'resolved') {
      const attempted = await applyCommand(
        deps,
        incident.id,
        { type: 'attempt', by: `action:${action.id}`, what: message, via: 'action' },
        'gangway',
      ).catch((error: unknown) => (error instanceof InputError ? undefined : Promise.reject(error)));
      if (attempted) return;
    }
    await actionEvent(deps, run, 'succeeded', 'gangway', message, {
      result: text,
      ...(done.httpStatus !== undefined && { httpStatus: done.httpStatus }),
    });
  } catch (error) {
    const text = scrub(errorMessage(error), secrets);
    const retryable = error instanceof DeliveryError ? error.retryable : !(error instanceof GangwayError);
    if (retryable && !last) throw retryLater('action.retry', text, error);
    const httpStatus = error instanceof DeliveryError ? error.status : undefined;
    await finish(deps, run, 'failed', {
      ...detail,
      error: text,
      ...(httpStatus !== undefined && { httpStatus }),
    });
    await actionEvent(deps, run, 'failed', 'gangway', `${what} failed: ${text} (run ${run.id})`, {
      error: text,
      ...(httpStatus !== undefined && { httpStatus }),
    });
  }
}

/**
 * Records the outcome, only from running: an execution racing this one that finished first makes this a
 * conflict, and the retried job then finds the run finished.
 */
async function finish(
  deps: ActionJobDeps,
  run: ActionRun,
  status: 'succeeded' | 'failed',
  detail: RunDetail,
): Promise<void> {
  await deps.store.actions.update(run.id, { status, from: 'running', detail }, { actor: 'gangway' });
}
