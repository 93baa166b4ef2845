import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { route } from '../route.js';
import { pageOf, timestamp } from '../schemas/common.js';
import { partnerFilter } from '../scope.js';
import type { Principal } from '../types.js';

// Secrets that playbooks reference (${secret.name}, ${env.NAME}) when the service runs them. Scope
// "global" serves every partner; a partner id serves that partner's runs first. Values go in and are
// never given back: they are encrypted at rest (AES-256-GCM) and only a run decrypts them.

const GLOBAL = 'global';

const params = z.object({
  scope: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .describe('"global" or a partner id.'),
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'expected a name such as acme_client_secret')
    .describe('The name playbooks reference.'),
});

const secretInfo = z
  .object({ scope: z.string(), name: z.string(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'SecretInfo' });

/** Staff writers manage every scope; a partner token only its own partner's scope. */
function mayWrite(principal: Principal, scope: string): boolean {
  if (principal.role === 'admin' || principal.role === 'operator') return true;
  return principal.role === 'partner' && principal.partnerId === scope;
}

export const secretRoutes = [
  route({
    method: 'GET',
    path: '/secrets',
    operationId: 'listSecrets',
    summary: 'List secret names',
    description: 'Names and dates only; values are never returned. A partner token sees its own scope.',
    tag: 'secrets',
    roles: ['admin', 'operator', 'partner'],
    query: z.object({ scope: z.string().max(128).optional() }),
    response: { status: 200, description: 'The secrets, without values.', schema: pageOf(secretInfo) },
    async handle({ ctx, principal, query }) {
      const scope = partnerFilter(principal, query.scope);
      return { items: await ctx.store.secrets.list(scope) };
    },
  }),
  route({
    method: 'PUT',
    path: '/secrets/{scope}/{name}',
    operationId: 'putSecret',
    summary: 'Store a secret',
    tag: 'secrets',
    roles: ['admin', 'operator', 'partner'],
    params,
    body: z.object({
      value: z
        .string()
        .min(1)
        .max(64 * 1024),
    }),
    response: { status: 204, description: 'Stored (encrypted).' },
    errors: [404],
    async handle({ ctx, principal, params, body }) {
      if (!mayWrite(principal, params.scope)) throw new ApiError(403, 'auth.forbidden', 'not your scope');
      if (params.scope !== GLOBAL && !(await ctx.store.partners.get(params.scope))) {
        throw notFound('partner', params.scope);
      }
      await ctx.store.secrets.put(params.scope, params.name, body.value, { actor: principal.actor });
    },
  }),
  route({
    method: 'DELETE',
    path: '/secrets/{scope}/{name}',
    operationId: 'deleteSecret',
    summary: 'Delete a secret',
    tag: 'secrets',
    roles: ['admin', 'operator', 'partner'],
    params,
    response: { status: 204, description: 'Deleted.' },
    errors: [404],
    async handle({ ctx, principal, params }) {
      if (!mayWrite(principal, params.scope)) throw new ApiError(403, 'auth.forbidden', 'not your scope');
      const gone = await ctx.store.secrets.delete(params.scope, params.name, { actor: principal.actor });
      if (!gone) throw notFound('secret', `${params.scope}/${params.name}`);
    },
  }),
];
