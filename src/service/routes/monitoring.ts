import { z } from 'zod';
import { ApiError } from '../errors.js';
import { scheduleMonitors, unscheduleMonitors } from '../ops/monitor-job.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString } from '../schemas/common.js';
import { monitoringSchema, sampleSchema } from '../schemas/ops.js';
import { visibleOnboarding } from '../scope.js';
import type { ServiceContext } from '../types.js';

const params = z.object({ onboardingId: idString('onboarding') });

async function monitoringOf(ctx: ServiceContext, onboarding: { id: string; playbookVersionId: string }) {
  const { playbook } = await ctx.versions.get(onboarding.playbookVersionId);
  const current = await ctx.store.monitoring.get(onboarding.id);
  const states = await ctx.store.monitors.states(onboarding.id);
  const monitors = await Promise.all(
    playbook.ops.monitors.map(async (m) => {
      const last = (
        await ctx.store.monitors.samples({ onboardingId: onboarding.id, monitorId: m.id, limit: 1 })
      )[0];
      const state = states.find((s) => s.monitorId === m.id);
      return {
        id: m.id,
        environment: m.environment,
        kind: m.check.kind,
        everyMs: m.everyMs,
        lastAt: state?.lastAt ?? (last ? new Date(last.at).toISOString() : null),
        lastOutcome: last?.outcome ?? null,
      };
    }),
  );
  return {
    onboardingId: onboarding.id,
    enabled: current?.enabled ?? false,
    changedAt: current?.changedAt ?? null,
    changedBy: current?.changedBy ?? null,
    monitors,
  };
}

export const monitoringRoutes = [
  route({
    method: 'GET',
    path: '/onboardings/{onboardingId}/monitoring',
    operationId: 'getMonitoring',
    summary: 'Whether the onboarding is monitored, and its monitors’ last samples',
    tag: 'monitoring',
    roles: ALL_ROLES,
    params,
    response: { status: 200, description: 'The monitoring switch and monitors.', schema: monitoringSchema },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      return monitoringOf(ctx, await visibleOnboarding(ctx, principal, p.onboardingId));
    },
  }),
  route({
    method: 'PUT',
    path: '/onboardings/{onboardingId}/monitoring',
    operationId: 'setMonitoring',
    summary: 'Turn the playbook’s monitors on or off for this onboarding',
    description:
      'On: every monitor of the onboarding’s playbook version runs at its interval against its environment (usually production), with the partner’s secrets; its samples feed the detectors. Audited.',
    tag: 'monitoring',
    roles: WRITERS,
    params,
    body: z.object({ enabled: z.boolean() }),
    response: { status: 200, description: 'The monitoring switch and monitors.', schema: monitoringSchema },
    errors: [404],
    async handle({ ctx, principal, params: p, body }) {
      const onboarding = await visibleOnboarding(ctx, principal, p.onboardingId);
      const jobs = ctx.jobs;
      if (!jobs) throw new ApiError(503, 'jobs.unavailable', 'this server cannot schedule work');
      await ctx.store.monitoring.set(onboarding.id, body.enabled, { actor: principal.actor });
      const deps = { jobs, versions: ctx.versions, now: () => ctx.now().getTime() };
      if (body.enabled) await scheduleMonitors(deps, onboarding);
      else await unscheduleMonitors(deps, onboarding);
      return monitoringOf(ctx, onboarding);
    },
  }),
  route({
    method: 'GET',
    path: '/onboardings/{onboardingId}/samples',
    operationId: 'listMonitorSamples',
    summary: 'Recent samples of one monitor, newest first',
    tag: 'monitoring',
    roles: ALL_ROLES,
    params,
    query: z.object({
      monitorId: z.string().min(1).max(128),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: {
      status: 200,
      description: 'Newest first.',
      schema: z.object({ items: z.array(sampleSchema) }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p, query }) {
      const onboarding = await visibleOnboarding(ctx, principal, p.onboardingId);
      return {
        items: await ctx.store.monitors.samples({
          onboardingId: onboarding.id,
          monitorId: query.monitorId,
          limit: query.limit,
        }),
      };
    },
  }),
];
