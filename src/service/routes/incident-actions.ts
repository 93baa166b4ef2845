import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { ACTION_RUN_STATUSES } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { approveRun, rejectRun, requestRun } from '../ops/actions.js';
import { type ActionPayload, enqueueActionRun, newRunId } from '../ops/actions-queue.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString } from '../schemas/common.js';
import { incidentDeps, visibleIncident } from './incidents.js';

const params = z.object({ incidentId: idString('incident') });
const runParams = z.object({ incidentId: idString('incident'), runId: idString('action run') });

const actionRunSchema = z
  .object({
    id: z.string(),
    incidentId: z.string().nullable(),
    actionId: z.string(),
    at: z.string().describe('When the run was requested.'),
    status: z
      .enum(ACTION_RUN_STATUSES)
      .describe(
        'pending-approval (waits for a person), running, succeeded, failed, suppressed (skipped by the cool-down or the hourly cap, or rejected: detail.reason says which).',
      ),
    detail: z
      .unknown()
      .describe('requestedBy, approvedBy / rejectedBy, reason and guard, result, httpStatus, error.'),
    actor: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ActionRun' });

/** 409 for a run that is no longer waiting for approval (the store's conflict code). */
async function conflictAs409<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InputError && error.code === 'action-run.conflict')
      throw new ApiError(409, error.code, error.message);
    throw error;
  }
}

/** Runs of automated actions on an incident: list, run one (a runbook step), approve or reject a waiting one. */
export const incidentActionRoutes = [
  route({
    method: 'GET',
    path: '/incidents/{incidentId}/actions',
    operationId: 'listIncidentActionRuns',
    summary: 'Action runs of an incident and their outcome',
    tag: 'incidents',
    roles: ALL_ROLES,
    params,
    response: {
      status: 200,
      description: 'Oldest first.',
      schema: z.object({ items: z.array(actionRunSchema) }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return { items: await ctx.store.actions.list({ incidentId: incident.id }) };
    },
  }),
  route({
    method: 'POST',
    path: '/incidents/{incidentId}/actions',
    operationId: 'runIncidentAction',
    summary: 'Run one of the playbook’s actions on the incident (a runbook step)',
    description:
      'The cool-down and the hourly cap decide first (a suppressed run is recorded with the reason); an action with `approval: manual` waits for approve. A started run executes in the background: GET the runs or the timeline for its outcome.',
    tag: 'incidents',
    roles: WRITERS,
    params,
    body: z.object({ action: z.string().min(1).max(128).describe('An action id of the playbook.') }),
    response: { status: 202, description: 'The run as recorded.', schema: actionRunSchema },
    errors: [404],
    async handle({ ctx, principal, params: p, body }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      const deps = incidentDeps(ctx);
      const payload: ActionPayload = {
        runId: newRunId(),
        incidentId: incident.id,
        actionId: body.action,
        requestedBy: principal.actor,
        ...(incident.components[0] !== undefined && { monitorId: incident.components[0] }),
      };
      // The job is queued before a started run is recorded (a crash in between loses nothing).
      return requestRun(deps, incident, payload, () => enqueueActionRun(deps.jobs, payload));
    },
  }),
  route({
    method: 'POST',
    path: '/incidents/{incidentId}/actions/{runId}/approve',
    operationId: 'approveIncidentActionRun',
    summary: 'Approve a run waiting for approval (the cool-down and the cap are checked again)',
    tag: 'incidents',
    roles: WRITERS,
    params: runParams,
    body: z.object({}),
    response: { status: 200, description: 'The run: running, or suppressed.', schema: actionRunSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params: p }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return conflictAs409(approveRun(incidentDeps(ctx), incident, p.runId, principal.actor));
    },
  }),
  route({
    method: 'POST',
    path: '/incidents/{incidentId}/actions/{runId}/reject',
    operationId: 'rejectIncidentActionRun',
    summary: 'Reject a run waiting for approval',
    tag: 'incidents',
    roles: WRITERS,
    params: runParams,
    body: z.object({ reason: z.string().trim().max(2000).optional() }),
    response: { status: 200, description: 'The run, suppressed.', schema: actionRunSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params: p, body }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return conflictAs409(
        rejectRun(incidentDeps(ctx), incident, p.runId, principal.actor, body.reason || undefined),
      );
    },
  }),
];
