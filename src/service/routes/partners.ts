import { z } from 'zod';
import { notFound } from '../errors.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString, pageOf, pageQuery } from '../schemas/common.js';
import { partnerSchema } from '../schemas/resources.js';
import { canSeePartner, partnerFilter } from '../scope.js';

const params = z.object({ partnerId: idString('partner') });

export const partnerRoutes = [
  route({
    method: 'GET',
    path: '/partners',
    operationId: 'listPartners',
    summary: 'List partners',
    description: 'A partner token sees only its own partner.',
    tag: 'partners',
    roles: ALL_ROLES,
    query: z.object(pageQuery),
    response: { status: 200, description: 'By name, by cursor.', schema: pageOf(partnerSchema) },
    async handle({ ctx, principal, query }) {
      const only = partnerFilter(principal);
      return ctx.store.partners.list({
        ...(only && { onlyId: only }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
    },
  }),
  route({
    method: 'POST',
    path: '/partners',
    operationId: 'createPartner',
    summary: 'Register a partner',
    tag: 'partners',
    roles: WRITERS,
    body: z.object({
      name: z.string().min(1).max(200).describe('Display name.'),
      id: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected lowercase letters, digits and -, 2 to 63 characters')
        .optional()
        .describe('Stable id (e.g. acme); generated when absent.'),
    }),
    response: { status: 201, description: 'The partner.', schema: partnerSchema },
    errors: [409],
    async handle({ ctx, principal, body }) {
      return ctx.store.partners.create({
        name: body.name,
        ...(body.id && { id: body.id }),
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'GET',
    path: '/partners/{partnerId}',
    operationId: 'getPartner',
    summary: 'Get a partner',
    tag: 'partners',
    roles: ALL_ROLES,
    params,
    response: { status: 200, description: 'The partner.', schema: partnerSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      const partner = await ctx.store.partners.get(params.partnerId);
      if (!partner || !canSeePartner(principal, partner.id)) throw notFound('partner', params.partnerId);
      return partner;
    },
  }),
];
