import { z } from 'zod';
import { route, STAFF, WRITERS } from '../route.js';
import { pageOf, pageQuery, timestamp } from '../schemas/common.js';
import { changeSchema } from '../schemas/ops.js';

/** Change markers: deploys, config changes, playbook versions — what incidents are correlated with by time. */
export const changeRoutes = [
  route({
    method: 'POST',
    path: '/changes',
    operationId: 'recordChange',
    summary: 'Record a deploy, config or playbook change',
    description:
      'A marker incidents are linked to: the post-incident report lists the changes in the hours before the trigger. Post one from a deploy pipeline.',
    tag: 'changes',
    roles: WRITERS,
    body: z.object({
      kind: z.enum(['deploy', 'config', 'playbook', 'other']),
      title: z.string().trim().min(1).max(500),
      description: z.string().max(4000).optional(),
      at: timestamp.optional().describe('When it happened (default: now).'),
      partnerId: z.string().max(128).optional().describe('Absent: a platform-wide change.'),
      environment: z.string().max(128).optional(),
      ref: z.string().max(500).optional().describe('A commit, a version, a ticket.'),
    }),
    response: { status: 201, description: 'The change.', schema: changeSchema },
    async handle({ ctx, principal, body }) {
      return ctx.store.changes.add(
        {
          kind: body.kind,
          title: body.title,
          ...(body.description && { description: body.description }),
          ...(body.at && { at: body.at }),
          ...(body.partnerId && { partnerId: body.partnerId }),
          ...(body.environment && { environment: body.environment }),
          ...(body.ref && { ref: body.ref }),
        },
        { actor: principal.actor },
      );
    },
  }),
  route({
    method: 'GET',
    path: '/changes',
    operationId: 'listChanges',
    summary: 'List change markers',
    tag: 'changes',
    roles: STAFF,
    query: z.object({
      since: timestamp.optional(),
      until: timestamp.optional(),
      partnerId: z.string().max(128).optional(),
      environment: z.string().max(128).optional(),
      ...pageQuery,
    }),
    response: { status: 200, description: 'Newest first.', schema: pageOf(changeSchema) },
    async handle({ ctx, query }) {
      return ctx.store.changes.list({
        ...(query.since && { since: query.since }),
        ...(query.until && { until: query.until }),
        ...(query.partnerId && { partnerId: query.partnerId }),
        ...(query.environment && { environment: query.environment }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
    },
  }),
];
