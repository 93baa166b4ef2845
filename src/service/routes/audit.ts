import { z } from 'zod';
import { route, STAFF, WRITERS } from '../route.js';
import { pageOf } from '../schemas/common.js';
import { auditEventSchema } from '../schemas/resources.js';

export const auditRoutes = [
  route({
    method: 'GET',
    path: '/audit',
    operationId: 'listAuditEvents',
    summary: 'Read the audit trail',
    description:
      'Every decision in order: playbook versions, onboardings, runs, results, sign-offs, waivers, transitions, tokens, secrets (names only). Not for partner tokens: it spans every partner.',
    tag: 'audit',
    roles: STAFF,
    query: z.object({
      afterSeq: z.coerce.number().int().min(0).default(0).describe('Events after this sequence number.'),
      cursor: z
        .string()
        .regex(/^\d{1,15}$/)
        .optional()
        .describe('nextCursor of the previous page (the last sequence number): wins over afterSeq.'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      subject: z.string().max(200).optional().describe('Only events about this id.'),
    }),
    response: { status: 200, description: 'Oldest first.', schema: pageOf(auditEventSchema) },
    async handle({ ctx, query }) {
      const items = await ctx.store.audit.list({
        afterSeq: query.cursor === undefined ? query.afterSeq : Number(query.cursor),
        limit: query.limit,
        ...(query.subject && { subject: query.subject }),
      });
      const last = items.at(-1);
      return { items, ...(items.length === query.limit && last && { nextCursor: String(last.seq) }) };
    },
  }),
  route({
    method: 'GET',
    path: '/audit/verification',
    operationId: 'verifyAudit',
    summary: 'Verify the audit hash chain',
    description: 'Walks the whole chain; names the first event that was altered, removed or unlinked.',
    tag: 'audit',
    roles: WRITERS,
    response: {
      status: 200,
      description: 'ok with the event count and head hash, or the first broken link.',
      schema: z.union([
        z.object({ ok: z.literal(true), events: z.number().int(), headHash: z.string() }),
        z.object({ ok: z.literal(false), firstBroken: z.number().int(), reason: z.string() }),
      ]),
    },
    async handle({ ctx }) {
      return ctx.store.audit.verify();
    },
  }),
];
