import { z } from 'zod';
import { ALL_ROLES, route } from '../route.js';
import { partnerFilter } from '../scope.js';

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
      'Time to first success (onboarding start → first passing sandbox run), stage durations, pass rates per stage and check, open waivers. A partner token gets its own figures. Prometheus text is at /metrics.',
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
        })
        .meta({ id: 'Metrics' }),
    },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      return ctx.store.metrics(partnerId ? { partnerId } : {});
    },
  }),
];
