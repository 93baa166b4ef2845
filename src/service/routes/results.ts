import { z } from 'zod';
import { type CheckResult, OUTCOMES } from '../../core/result.js';
import { ApiError, notFound } from '../errors.js';
import { partnerMayRun } from '../playbooks.js';
import { ALL_ROLES, route } from '../route.js';
import { idString, pageOf, pageQuery } from '../schemas/common.js';
import { evidenceSchema, resultSchema, runSchema } from '../schemas/resources.js';
import { partnerFilter, visibleOnboarding, visibleResult, visibleRun } from '../scope.js';
import { uploadedReportSchema, uploadStatus } from '../upload.js';
import { redactResults, uploadRedactor } from '../upload-redact.js';

export const resultRoutes = [
  route({
    method: 'GET',
    path: '/runs/{runId}/results',
    operationId: 'listRunResults',
    summary: 'A run’s check results',
    tag: 'results',
    roles: ALL_ROLES,
    params: z.object({ runId: idString('run') }),
    response: { status: 200, description: 'In the stage’s order.', schema: pageOf(resultSchema) },
    errors: [404],
    async handle({ ctx, principal, params }) {
      await visibleRun(ctx, principal, params.runId);
      return { items: await ctx.store.results.ofRun(params.runId) };
    },
  }),
  route({
    method: 'GET',
    path: '/results',
    operationId: 'listResults',
    summary: 'List check results',
    description:
      'Newest first, by cursor; filter by run, check or outcome. A partner token sees only its own.',
    tag: 'results',
    roles: ALL_ROLES,
    query: z.object({
      runId: z.string().max(128).optional(),
      partnerId: z.string().max(128).optional(),
      checkId: z.string().max(200).optional(),
      outcome: z.enum(OUTCOMES).optional(),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of results.', schema: pageOf(resultSchema) },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      return ctx.store.results.list({
        ...(partnerId && { partnerId }),
        ...(query.runId && { runId: query.runId }),
        ...(query.checkId && { checkId: query.checkId }),
        ...(query.outcome && { outcome: query.outcome }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
    },
  }),
  route({
    method: 'GET',
    path: '/results/{resultId}',
    operationId: 'getResult',
    summary: 'Get a check result',
    tag: 'results',
    roles: ALL_ROLES,
    params: z.object({ resultId: idString('result') }),
    response: { status: 200, description: 'The result.', schema: resultSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      return visibleResult(ctx, principal, params.resultId);
    },
  }),
  route({
    method: 'GET',
    path: '/results/{resultId}/evidence',
    operationId: 'getEvidence',
    summary: 'A check result’s evidence',
    description: 'The redacted exchanges and latency samples, bounded; 404 once retention removed them.',
    tag: 'results',
    roles: ALL_ROLES,
    params: z.object({ resultId: idString('result') }),
    response: { status: 200, description: 'The evidence.', schema: evidenceSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      await visibleResult(ctx, principal, params.resultId);
      const evidence = await ctx.store.results.evidence(params.resultId);
      if (!evidence) throw notFound('evidence', params.resultId);
      return evidence;
    },
  }),
  route({
    method: 'POST',
    path: '/runs/uploads',
    operationId: 'uploadRun',
    summary: 'Upload a run done elsewhere',
    description:
      'Stores the JSON report of `gangway run` (formatVersion 1) as a finished run of the onboarding, in one transaction. It counts for the gate only if playbookVersionId is the onboarding’s current version. `gangway run … --server <url> --token <t>` sends this.',
    tag: 'runs',
    roles: ['admin', 'operator', 'partner'],
    body: z.object({
      onboardingId: z.string().min(1).max(128),
      playbookVersionId: z
        .string()
        .min(1)
        .max(128)
        .describe('Content address of the playbook and spec the run used.'),
      environment: z.string().max(128).optional(),
      report: uploadedReportSchema,
    }),
    response: { status: 201, description: 'The stored run.', schema: runSchema },
    errors: [404, 409],
    async handle({ ctx, principal, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, body.onboardingId);
      const { playbook } = await ctx.versions.get(onboarding.playbookVersionId);
      const stageId = body.report.run.stage.id;
      const stage = playbook.stages.find((s) => s.id === stageId);
      if (!stage)
        throw new ApiError(
          404,
          'stage.not-found',
          `stage ${stageId} is not in playbook ${playbook.playbook}`,
        );
      if (principal.role === 'partner' && !partnerMayRun(playbook, stage)) {
        throw new ApiError(403, 'auth.forbidden', `partners may not submit runs of stage ${stage.id}`);
      }
      const environment = body.environment ?? body.report.run.environment?.name;
      return ctx.store.results.upload({
        onboardingId: onboarding.id,
        stage: stage.id,
        status: uploadStatus(body.report.outcome),
        results: redactResults(
          body.report.checks as unknown as CheckResult[],
          await uploadRedactor(ctx.store, onboarding.partnerId),
        ),
        playbookVersionId: body.playbookVersionId,
        ...(environment && { environment }),
        actor: principal.actor,
      });
    },
  }),
];
