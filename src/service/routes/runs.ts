import { z } from 'zod';
import { RUN_STATUSES } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { STAGE_RUN_JOB } from '../executor.js';
import { partnerMayRun } from '../playbooks.js';
import { ALL_ROLES, route } from '../route.js';
import { idString, pageOf, pageQuery } from '../schemas/common.js';
import { runSchema } from '../schemas/resources.js';
import { partnerFilter, visibleOnboarding, visibleRun } from '../scope.js';
import { streamRunEvents } from '../sse.js';

const runParams = z.object({ runId: idString('run') });

export const runRoutes = [
  route({
    method: 'GET',
    path: '/runs',
    operationId: 'listRuns',
    summary: 'List runs',
    description: 'Newest first, by cursor. A partner token sees only its own.',
    tag: 'runs',
    roles: ALL_ROLES,
    query: z.object({
      onboardingId: z.string().max(128).optional(),
      partnerId: z.string().max(128).optional(),
      stage: z.string().max(128).optional(),
      status: z.enum(RUN_STATUSES).optional(),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of runs.', schema: pageOf(runSchema) },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      return ctx.store.runs.list({
        ...(partnerId && { partnerId }),
        ...(query.onboardingId && { onboardingId: query.onboardingId }),
        ...(query.stage && { stage: query.stage }),
        ...(query.status && { status: query.status }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
    },
  }),
  route({
    method: 'POST',
    path: '/runs',
    operationId: 'startRun',
    summary: 'Run a stage',
    description:
      'Queues a run of a stage of an onboarding (default: its current stage) on its current playbook version; a worker executes it. Follow it at /runs/{runId}/events. A partner token may run only the stages its playbook allows partners to run.',
    tag: 'runs',
    roles: ['admin', 'operator', 'partner'],
    body: z.object({
      onboardingId: z.string().min(1).max(128),
      stage: z.string().max(128).optional(),
      environment: z.string().max(128).optional().describe('Default: the stage’s environment.'),
    }),
    response: { status: 202, description: 'The queued run.', schema: runSchema },
    errors: [404, 503],
    async handle({ ctx, principal, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, body.onboardingId);
      const { playbook } = await ctx.versions.get(onboarding.playbookVersionId);
      const stageId = body.stage ?? onboarding.currentStage;
      const stage = playbook.stages.find((s) => s.id === stageId);
      if (!stage)
        throw new ApiError(
          404,
          'stage.not-found',
          `stage ${stageId} is not in playbook ${playbook.playbook}`,
        );
      const environment = body.environment ?? stage.environment;
      if (environment !== undefined && !playbook.environments[environment]) {
        throw new ApiError(400, 'environment.unknown', `environment ${environment} is not in the playbook`);
      }
      if (principal.role === 'partner') {
        const asDeclared = environment === stage.environment;
        if (!partnerMayRun(playbook, stage) || !asDeclared) {
          throw new ApiError(403, 'auth.forbidden', `partners may not run stage ${stage.id}`);
        }
      }
      if (!ctx.jobs) throw new ApiError(503, 'jobs.unavailable', 'this server cannot schedule runs');
      const run = await ctx.store.runs.create({
        onboardingId: onboarding.id,
        stage: stage.id,
        playbookVersionId: onboarding.playbookVersionId,
        ...(environment && { environment }),
        source: 'local',
        actor: principal.actor,
      });
      await ctx.jobs.add(STAGE_RUN_JOB, { runId: run.id }, { key: `run:${run.id}`, maxAttempts: 5 });
      return run;
    },
  }),
  route({
    method: 'GET',
    path: '/runs/{runId}',
    operationId: 'getRun',
    summary: 'Get a run',
    tag: 'runs',
    roles: ALL_ROLES,
    params: runParams,
    response: { status: 200, description: 'The run.', schema: runSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      return visibleRun(ctx, principal, params.runId);
    },
  }),
  route({
    method: 'GET',
    path: '/runs/{runId}/events',
    operationId: 'streamRunEvents',
    summary: 'Follow a run live',
    description:
      'Server-sent events: run.started, check.started, check.progress, check.finished, gate.evaluated, run.finished (or run.error), then end. Each event has an id; reconnect with Last-Event-ID to resume. A finished run replays its events and ends.',
    tag: 'runs',
    roles: ALL_ROLES,
    params: runParams,
    response: { status: 200, description: 'An event stream.', contentType: 'text/event-stream' },
    errors: [404],
    streams: true,
    async handle({ ctx, principal, params, request, reply }) {
      await visibleRun(ctx, principal, params.runId);
      await streamRunEvents(ctx, params.runId, request, reply);
    },
  }),
];
