import { z } from 'zod';
import { opsFigures } from '../ops/ops-figures.js';
import { ALL_ROLES, route } from '../route.js';
import { partnerFilter } from '../scope.js';

const durationStats = z.object({
  count: z.number().int(),
  mean: z.number().nullable().describe('Milliseconds.'),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
});

const stats = {
  count: z.number().int(),
  p50Ms: z.number().optional(),
  p90Ms: z.number().optional(),
  maxMs: z.number().optional(),
};

export const metricsRoutes = [
  route({
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Onboarding metrics',
    description:
      'Time to first success (onboarding start → first passing sandbox run), stage durations, pass rates per stage and check, open waivers; incidents: MTTA, MTTR, counts by severity and detector, clock breaches, defect escape rate. A partner token gets its own figures. Prometheus text is at /metrics.',
    tag: 'metrics',
    roles: ALL_ROLES,
    query: z.object({ partnerId: z.string().max(128).optional() }),
    response: {
      status: 200,
      description: 'The figures.',
      schema: z
        .object({
          timeToFirstSuccess: z.object({
            ...stats,
            pending: z.number().int(),
            perOnboarding: z.array(
              z.object({
                onboardingId: z.string(),
                partnerId: z.string(),
                startedAt: z.string(),
                firstSuccessAt: z.string().nullable(),
                ms: z.number().nullable(),
              }),
            ),
          }),
          stageDurations: z.array(z.object({ stage: z.string(), ...stats })),
          passRates: z.array(
            z.object({
              stage: z.string(),
              passed: z.number().int(),
              finished: z.number().int(),
              rate: z.number().nullable(),
            }),
          ),
          checkPassRates: z.array(
            z.object({
              checkId: z.string(),
              passed: z.number().int(),
              total: z.number().int(),
              rate: z.number().nullable(),
            }),
          ),
          waivers: z.object({ open: z.number().int(), expiringWithin7Days: z.number().int() }),
          operations: z
            .object({
              incidents: z.number().int().describe('Incidents counted (the newest 10 000 at most).'),
              mtta: durationStats.describe('Trigger to acknowledgement, over acknowledged incidents.'),
              mttr: durationStats.describe('Trigger to resolution, over resolved incidents.'),
              bySeverity: z.record(z.string(), z.number().int()),
              byDetectorKind: z.record(z.string(), z.number().int()),
              breachesByClock: z.record(z.string(), z.number().int()),
              defectEscape: z
                .object({
                  productionIncidents: z.number().int(),
                  escaped: z.number().int(),
                  rate: z.number().nullable(),
                })
                .describe(
                  'Production incidents whose detector class has a matching onboarding check that passed on the same playbook version.',
                ),
            })
            .describe('Incidents: MTTA, MTTR, counts, clock breaches, defect escape rate.'),
        })
        .meta({ id: 'Metrics' }),
    },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      const [onboarding, operations] = await Promise.all([
        ctx.store.metrics(partnerId ? { partnerId } : {}),
        opsFigures(ctx, partnerId),
      ]);
      return { ...onboarding, operations };
    },
  }),
];
