import { z } from 'zod';
import { ApiError } from '../errors.js';
import { stageGate } from '../gates.js';
import { scheduleMonitors } from '../ops/monitor-job.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString, pageOf, pageQuery } from '../schemas/common.js';
import { gateSchema, onboardingSchema, transitionSchema } from '../schemas/resources.js';
import { partnerFilter, visibleOnboarding } from '../scope.js';

const params = z.object({ onboardingId: idString('onboarding') });

export const onboardingRoutes = [
  route({
    method: 'GET',
    path: '/onboardings',
    operationId: 'listOnboardings',
    summary: 'List onboardings',
    description: 'A partner token sees only its own.',
    tag: 'onboardings',
    roles: ALL_ROLES,
    query: z.object({
      partnerId: z.string().max(128).optional().describe('Only this partner’s (staff).'),
      playbook: z.string().max(200).optional().describe('Only onboardings on this playbook name.'),
      ...pageQuery,
    }),
    response: { status: 200, description: 'Newest first, by cursor.', schema: pageOf(onboardingSchema) },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      return ctx.store.onboardings.list({
        ...(partnerId && { partnerId }),
        ...(query.playbook && { playbookName: query.playbook }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
    },
  }),
  route({
    method: 'POST',
    path: '/onboardings',
    operationId: 'startOnboarding',
    summary: 'Start an onboarding',
    description: 'A partner on a playbook version, at its first stage (or the stage named).',
    tag: 'onboardings',
    roles: WRITERS,
    body: z.object({
      partnerId: z.string().min(1).max(128),
      playbookVersionId: z.string().min(1).max(128),
      stage: z.string().max(128).optional().describe('Default: the playbook’s first stage.'),
    }),
    response: { status: 201, description: 'The onboarding.', schema: onboardingSchema },
    errors: [404],
    async handle({ ctx, principal, body }) {
      const { playbook } = await ctx.versions.get(body.playbookVersionId);
      const stage = body.stage ?? playbook.stages[0]?.id;
      if (!stage || !playbook.stages.some((s) => s.id === stage)) {
        throw new ApiError(
          400,
          'stage.unknown',
          stage
            ? `stage ${stage} is not in playbook ${playbook.playbook}`
            : `playbook ${playbook.playbook} has no stages`,
        );
      }
      return ctx.store.onboardings.create({
        partnerId: body.partnerId,
        playbookVersionId: body.playbookVersionId,
        stage,
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'GET',
    path: '/onboardings/{onboardingId}',
    operationId: 'getOnboarding',
    summary: 'Get an onboarding',
    tag: 'onboardings',
    roles: ALL_ROLES,
    params,
    response: { status: 200, description: 'The onboarding.', schema: onboardingSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      return visibleOnboarding(ctx, principal, params.onboardingId);
    },
  }),
  route({
    method: 'GET',
    path: '/onboardings/{onboardingId}/gates/{stage}',
    operationId: 'getGate',
    summary: 'Evaluate a stage’s gate',
    description:
      'Whether the stage is complete: its latest finished run on the current playbook version is fresh, its required checks passed or are waived, and every required role signed that evidence. Reasons name what blocks.',
    tag: 'onboardings',
    roles: ALL_ROLES,
    params: params.extend({ stage: z.string().min(1).max(128) }),
    response: { status: 200, description: 'The verdict and its reasons.', schema: gateSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      const onboarding = await visibleOnboarding(ctx, principal, params.onboardingId);
      return stageGate(ctx, ctx.versions, onboarding, params.stage);
    },
  }),
  route({
    method: 'GET',
    path: '/onboardings/{onboardingId}/transitions',
    operationId: 'listTransitions',
    summary: 'List an onboarding’s stage transitions',
    tag: 'onboardings',
    roles: ALL_ROLES,
    params,
    response: { status: 200, description: 'Oldest first.', schema: pageOf(transitionSchema) },
    errors: [404],
    async handle({ ctx, principal, params }) {
      await visibleOnboarding(ctx, principal, params.onboardingId);
      return { items: await ctx.store.onboardings.transitions(params.onboardingId) };
    },
  }),
  route({
    method: 'POST',
    path: '/onboardings/{onboardingId}/transitions',
    operationId: 'advanceOnboarding',
    summary: 'Advance an onboarding to its next stage',
    description:
      'Allowed only when the current stage’s gate is open; the answer 409 carries the gate’s reasons otherwise. Two concurrent advances cannot both win.',
    tag: 'onboardings',
    roles: WRITERS,
    params,
    body: z.object({
      why: z.string().min(1).max(2000).describe('Recorded in the audit trail.'),
      to: z
        .string()
        .max(128)
        .optional()
        .describe('Must be the next stage; stated to guard against double clicks.'),
    }),
    response: { status: 201, description: 'The transition.', schema: transitionSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, params.onboardingId);
      const gate = await stageGate(ctx, ctx.versions, onboarding, onboarding.currentStage);
      if (!gate.next) {
        throw new ApiError(409, 'onboarding.last-stage', `${onboarding.currentStage} is the last stage`);
      }
      if (body.to !== undefined && body.to !== gate.next) {
        throw new ApiError(
          409,
          'onboarding.not-next',
          `the next stage after ${onboarding.currentStage} is ${gate.next}, not ${body.to}`,
        );
      }
      if (gate.verdict !== 'open') {
        throw new ApiError(
          409,
          'gate.blocked',
          `the gate of ${onboarding.currentStage} is blocked: ${gate.reasons.join('; ')}`,
          {
            reasons: gate.reasons,
          },
        );
      }
      return ctx.store.onboardings.transition({
        onboardingId: onboarding.id,
        from: onboarding.currentStage,
        to: gate.next,
        why: body.why,
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'POST',
    path: '/onboardings/{onboardingId}/upgrades',
    operationId: 'upgradeOnboarding',
    summary: 'Move an onboarding to another playbook version',
    description:
      'Another version of the same playbook; the onboarding stays at its stage, which the version must have. From then on gates judge only runs on the new version, so earlier evidence and sign-offs no longer count. Recorded as a transition.',
    tag: 'onboardings',
    roles: WRITERS,
    params,
    body: z.object({
      playbookVersionId: z.string().min(1).max(128),
      why: z.string().min(1).max(2000).describe('Recorded in the audit trail.'),
    }),
    response: { status: 201, description: 'The onboarding on its new version.', schema: onboardingSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, params.onboardingId);
      const { playbook } = await ctx.versions.get(body.playbookVersionId);
      if (playbook.playbook !== onboarding.playbookName) {
        throw new ApiError(
          400,
          'onboarding.other-playbook',
          `version ${body.playbookVersionId} is of playbook ${playbook.playbook}, not ${onboarding.playbookName}`,
        );
      }
      if (!playbook.stages.some((s) => s.id === onboarding.currentStage)) {
        throw new ApiError(
          409,
          'onboarding.stage-missing',
          `version ${body.playbookVersionId} has no stage ${onboarding.currentStage}, where the onboarding is`,
        );
      }
      await ctx.store.onboardings.transition({
        onboardingId: onboarding.id,
        from: onboarding.currentStage,
        to: onboarding.currentStage,
        why: body.why,
        playbookVersionId: body.playbookVersionId,
        actor: principal.actor,
      });
      if (body.playbookVersionId !== onboarding.playbookVersionId) {
        // What production runs for this partner changed: a marker incidents are correlated with.
        await ctx.store.changes.add(
          {
            kind: 'playbook',
            title: `${playbook.playbook} ${playbook.version} for this partner (was version ${onboarding.playbookVersionId.slice(0, 12)})`,
            description: body.why,
            partnerId: onboarding.partnerId,
            ref: body.playbookVersionId,
          },
          { actor: principal.actor },
        );
        // Monitors the new version adds start now; the ones it drops stop at their next execution.
        if (ctx.jobs && (await ctx.store.monitoring.enabled(onboarding.id)))
          await scheduleMonitors(
            { jobs: ctx.jobs, versions: ctx.versions, now: () => ctx.now().getTime() },
            { id: onboarding.id, playbookVersionId: body.playbookVersionId },
          );
      }
      return visibleOnboarding(ctx, principal, onboarding.id);
    },
  }),
];
