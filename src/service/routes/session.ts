import { z } from 'zod';
import { ALL_ROLES, route } from '../route.js';
import { roleSchema } from '../schemas/resources.js';

export const sessionRoutes = [
  route({
    method: 'GET',
    path: '/session',
    operationId: 'getSession',
    summary: 'Who this token is',
    description: 'Its name, role and partner: what a client (the dashboard) needs to know what to offer.',
    tag: 'tokens',
    roles: ALL_ROLES,
    response: {
      status: 200,
      description: 'The caller.',
      schema: z.object({
        tokenId: z.string(),
        name: z.string(),
        role: roleSchema,
        partnerId: z.string().nullable(),
      }),
    },
    async handle({ principal, reply }) {
      reply.header('cache-control', 'no-store');
      return principal;
    },
  }),
];
