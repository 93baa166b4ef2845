import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { stageGate } from '../gates.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString, pageOf, timestamp } from '../schemas/common.js';
import { signoffSchema, waiverSchema } from '../schemas/resources.js';
import { canSeePartner, partnerFilter, visibleOnboarding } from '../scope.js';

const MAX_WAIVER_DAYS = 180;

export const approvalRoutes = [
  route({
    method: 'GET',
    path: '/signoffs',
    operationId: 'listSignoffs',
    summary: 'List sign-offs',
    tag: 'approvals',
    roles: ALL_ROLES,
    query: z.object({
      onboardingId: z.string().max(128).optional(),
      stage: z.string().max(128).optional(),
    }),
    response: { status: 200, description: 'Oldest first.', schema: pageOf(signoffSchema) },
    errors: [404],
    async handle({ ctx, principal, query }) {
      if (query.onboardingId) await visibleOnboarding(ctx, principal, query.onboardingId);
      const partnerId = partnerFilter(principal);
      return {
        items: await ctx.store.signoffs.list({
          ...(query.onboardingId && { onboardingId: query.onboardingId }),
          ...(query.stage && { stage: query.stage }),
          ...(partnerId && { partnerId }),
        }),
      };
    },
  }),
  route({
    method: 'POST',
    path: '/signoffs',
    operationId: 'signOff',
    summary: 'Sign off a stage’s evidence',
    description:
      'Approves the evidence of one finished run (by default the run the gate judges now) in a role the stage requires. Owner roles are signed by admin or operator tokens, the "partner" role by the partner’s own token. Evidence that changed since the page was read (evidenceHash) is refused.',
    tag: 'approvals',
    roles: ['admin', 'operator', 'partner'],
    body: z.object({
      onboardingId: z.string().min(1).max(128),
      stage: z.string().min(1).max(128),
      role: z.string().min(1).max(100).describe('One of the stage’s signoff roles.'),
      runId: z.string().max(128).optional().describe('Default: the run the gate judges now.'),
      evidenceHash: z.string().max(128).optional().describe('The evidence hash the signer saw.'),
      note: z.string().max(2000).optional(),
    }),
    response: { status: 201, description: 'The sign-off.', schema: signoffSchema },
    errors: [404, 409],
    async handle({ ctx, principal, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, body.onboardingId);
      const { playbook } = await ctx.versions.get(onboarding.playbookVersionId);
      const stage = playbook.stages.find((s) => s.id === body.stage);
      if (!stage) throw new ApiError(404, 'stage.not-found', `stage ${body.stage} is not in the playbook`);
      if (!stage.signoff.includes(body.role)) {
        throw new ApiError(
          400,
          'signoff.role-not-required',
          `stage ${stage.id} needs sign-off from ${stage.signoff.join(', ') || 'nobody'}, not ${body.role}`,
        );
      }
      const partnerRole = body.role === 'partner';
      if (partnerRole !== (principal.role === 'partner')) {
        throw new ApiError(
          403,
          'auth.forbidden',
          partnerRole
            ? 'only the partner’s own token signs as partner'
            : 'a partner token signs only as partner',
        );
      }
      let runId = body.runId;
      if (!runId) {
        const gate = await stageGate(ctx, ctx.versions, onboarding, stage.id);
        if (!gate.run)
          throw new ApiError(409, 'signoff.no-evidence', `stage ${stage.id} has no finished run to sign`);
        runId = gate.run.id;
      }
      return ctx.store.signoffs.create({
        onboardingId: onboarding.id,
        stage: stage.id,
        role: body.role,
        runId,
        ...(body.evidenceHash && { evidenceHash: body.evidenceHash }),
        ...(body.note && { note: body.note }),
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'GET',
    path: '/waivers',
    operationId: 'listWaivers',
    summary: 'List waivers',
    tag: 'approvals',
    roles: ALL_ROLES,
    query: z.object({
      onboardingId: z.string().max(128).optional(),
      activeOnly: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true')
        .describe('Only unexpired, unrevoked waivers.'),
    }),
    response: { status: 200, description: 'Newest first.', schema: pageOf(waiverSchema) },
    errors: [404],
    async handle({ ctx, principal, query }) {
      if (query.onboardingId) await visibleOnboarding(ctx, principal, query.onboardingId);
      const partnerId = partnerFilter(principal);
      return {
        items: await ctx.store.waivers.list({
          ...(query.onboardingId && { onboardingId: query.onboardingId }),
          ...(partnerId && { partnerId }),
          activeOnly: query.activeOnly,
        }),
      };
    },
  }),
  route({
    method: 'POST',
    path: '/waivers',
    operationId: 'createWaiver',
    summary: 'Waive a failing required check',
    description: `A written, attributed, expiring exception (at most ${MAX_WAIVER_DAYS} days). An expired or revoked waiver blocks the gate again.`,
    tag: 'approvals',
    roles: WRITERS,
    body: z.object({
      onboardingId: z.string().min(1).max(128),
      stage: z.string().max(128).nullable().optional().describe('Null or absent: the check in every stage.'),
      checkId: z.string().min(1).max(200),
      reason: z.string().trim().min(10, 'write the reason (at least 10 characters)').max(4000),
      approver: z.string().max(200).optional().describe('Who approved it (default: the token’s name).'),
      expiresAt: timestamp,
    }),
    response: { status: 201, description: 'The waiver.', schema: waiverSchema },
    errors: [404],
    async handle({ ctx, principal, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, body.onboardingId);
      const { playbook } = await ctx.versions.get(onboarding.playbookVersionId);
      const stages = body.stage ? playbook.stages.filter((s) => s.id === body.stage) : playbook.stages;
      if (body.stage && stages.length === 0) {
        throw new ApiError(404, 'stage.not-found', `stage ${body.stage} is not in the playbook`);
      }
      if (!stages.some((s) => s.checks.some((c) => c.id === body.checkId))) {
        throw new ApiError(
          400,
          'waiver.unknown-check',
          `no check ${body.checkId} in ${body.stage ?? 'any stage'}`,
        );
      }
      const expires = Date.parse(body.expiresAt);
      if (!Number.isFinite(expires))
        throw new ApiError(400, 'waiver.expires', 'expiresAt is not a valid time');
      if (expires - ctx.now().getTime() > MAX_WAIVER_DAYS * 86_400_000) {
        throw new ApiError(400, 'waiver.too-long', `a waiver may last at most ${MAX_WAIVER_DAYS} days`);
      }
      return ctx.store.waivers.create({
        onboardingId: onboarding.id,
        stage: body.stage ?? null,
        checkId: body.checkId,
        reason: body.reason,
        approver: body.approver ?? principal.name,
        expiresAt: new Date(expires).toISOString(),
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'POST',
    path: '/waivers/{waiverId}/revocation',
    operationId: 'revokeWaiver',
    summary: 'Revoke a waiver',
    tag: 'approvals',
    roles: WRITERS,
    params: z.object({ waiverId: idString('waiver') }),
    body: z.object({ why: z.string().min(1).max(2000) }),
    response: { status: 204, description: 'Revoked (or already was).' },
    errors: [404],
    async handle({ ctx, principal, params, body }) {
      const waiver = await ctx.store.waivers.get(params.waiverId);
      if (!waiver) throw notFound('waiver', params.waiverId);
      const onboarding = await ctx.store.onboardings.get(waiver.onboardingId);
      if (!onboarding || !canSeePartner(principal, onboarding.partnerId))
        throw notFound('waiver', params.waiverId);
      await ctx.store.waivers.revoke(waiver.id, { actor: principal.actor, why: body.why });
    },
  }),
];
