import { z } from 'zod';
import { notFound } from '../errors.js';
import { ADMIN, route } from '../route.js';
import { idString, pageOf } from '../schemas/common.js';
import { roleSchema, tokenSchema } from '../schemas/resources.js';

export const tokenRoutes = [
  route({
    method: 'GET',
    path: '/tokens',
    operationId: 'listTokens',
    summary: 'List API tokens',
    description: 'Names, roles and dates; never the tokens themselves (only their hashes are stored).',
    tag: 'tokens',
    roles: ADMIN,
    query: z.object({
      partnerId: z.string().optional().describe('Only tokens of this partner.'),
      includeRevoked: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true')
        .describe('Include revoked tokens.'),
    }),
    response: { status: 200, description: 'The tokens.', schema: pageOf(tokenSchema) },
    async handle({ ctx, query }) {
      return {
        items: await ctx.store.tokens.list({
          ...(query.partnerId && { partnerId: query.partnerId }),
          includeRevoked: query.includeRevoked,
        }),
      };
    },
  }),
  route({
    method: 'POST',
    path: '/tokens',
    operationId: 'createToken',
    summary: 'Create an API token',
    description: 'The token is in this answer only; it cannot be read again.',
    tag: 'tokens',
    roles: ADMIN,
    body: z.object({
      name: z.string().min(1).max(100).describe('Who or what uses it, e.g. ci-acme.'),
      role: roleSchema,
      partnerId: z.string().optional().describe('Required for partner tokens, refused for others.'),
    }),
    response: {
      status: 201,
      description: 'The new token (shown once) and its record.',
      schema: z.object({
        token: z.string().describe('gw_…: send as Authorization: Bearer.'),
        record: tokenSchema,
      }),
    },
    rules: {
      'token.partner-required': 'a partner token without partnerId',
      'token.partner-scope': 'partnerId on a token that is not a partner token',
    },
    errors: [404],
    async handle({ ctx, principal, body }) {
      return ctx.store.tokens.create({
        name: body.name,
        role: body.role,
        ...(body.partnerId && { partnerId: body.partnerId }),
        actor: principal.actor,
      });
    },
  }),
  route({
    method: 'DELETE',
    path: '/tokens/{tokenId}',
    operationId: 'revokeToken',
    summary: 'Revoke an API token',
    tag: 'tokens',
    roles: ADMIN,
    params: z.object({ tokenId: idString('token') }),
    response: { status: 204, description: 'Revoked.' },
    errors: [404],
    async handle({ ctx, principal, params }) {
      if (!(await ctx.store.tokens.get(params.tokenId))) throw notFound('token', params.tokenId);
      await ctx.store.tokens.revoke(params.tokenId, { actor: principal.actor });
    },
  }),
];
