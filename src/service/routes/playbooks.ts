import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import type { PlaybookVersion } from '../../store/index.js';
import { ApiError, notFound } from '../errors.js';
import { freshnessMs, type LoadedVersion, partnerMayRun, validateTexts } from '../playbooks.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString, pageOf } from '../schemas/common.js';
import { playbookSummarySchema, playbookVersionSchema } from '../schemas/resources.js';
import { partnerFilter } from '../scope.js';
import type { Principal, ServiceContext } from '../types.js';

const MAX_TEXT = 4 * 1024 * 1024;

export const playbookRoutes = [
  route({
    method: 'GET',
    path: '/playbooks',
    operationId: 'listPlaybooks',
    summary: 'List playbook versions',
    description: 'Newest first. A partner token sees only the versions its onboardings use.',
    tag: 'playbooks',
    roles: ALL_ROLES,
    query: z.object({ name: z.string().max(200).optional().describe('Only versions of this playbook.') }),
    response: {
      status: 200,
      description: 'The versions, without their texts.',
      schema: pageOf(playbookSummarySchema),
    },
    async handle({ ctx, principal, query }) {
      const allowed = await visibleVersionIds(ctx, principal);
      const items = await ctx.store.playbooks.list({
        ...(query.name && { name: query.name }),
        ...(allowed && { ids: [...allowed] }),
      });
      return { items };
    },
  }),
  route({
    method: 'POST',
    path: '/playbooks',
    operationId: 'pushPlaybook',
    summary: 'Push a playbook version',
    description:
      'Validates the playbook and its spec exactly as `gangway run` does, then stores them content-addressed: pushing the same texts again returns the existing version (created: false). `gangway push <playbook>` sends this.',
    tag: 'playbooks',
    roles: WRITERS,
    body: z.object({
      playbookText: z.string().min(1).max(MAX_TEXT).describe('The playbook YAML (extends already merged).'),
      specText: z
        .string()
        .max(MAX_TEXT)
        .nullable()
        .optional()
        .describe('The OpenAPI document the playbook’s api.spec names.'),
    }),
    response: {
      status: 201,
      description: 'The version (201 also when it already existed; see created).',
      schema: z.object({ created: z.boolean(), version: playbookVersionSchema }),
    },
    async handle({ ctx, principal, body }) {
      const specText = body.specText ?? null;
      const { playbook } = await validateTexts(body.playbookText, specText);
      if (playbook.api && specText === null) {
        throw new ApiError(
          400,
          'playbook.spec-missing',
          `the playbook names api.spec ${playbook.api.spec}; send its text as specText`,
        );
      }
      const { version, created } = await ctx.store.playbooks.put({
        name: playbook.playbook,
        playbookText: body.playbookText,
        specText,
        actor: principal.actor,
      });
      return { created, version: describeVersion(await ctx.versions.get(version.id), ctx) };
    },
  }),
  route({
    method: 'GET',
    path: '/playbooks/{versionId}',
    operationId: 'getPlaybook',
    summary: 'Get a playbook version',
    description: 'With its texts and its stages as the service reads them.',
    tag: 'playbooks',
    roles: ALL_ROLES,
    params: z.object({ versionId: idString('playbook version') }),
    response: { status: 200, description: 'The version.', schema: playbookVersionSchema },
    errors: [404],
    async handle({ ctx, principal, params }) {
      const allowed = await visibleVersionIds(ctx, principal);
      if (allowed && !allowed.has(params.versionId)) throw notFound('playbook', params.versionId);
      return describeVersion(await ctx.versions.get(params.versionId), ctx);
    },
  }),
];

/** Versions a partner may see (those of its onboardings); undefined for staff (all). */
async function visibleVersionIds(
  ctx: ServiceContext,
  principal: Principal,
): Promise<Set<string> | undefined> {
  if (principal.role !== 'partner') return undefined;
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.store.onboardings.list({
      partnerId: partnerFilter(principal) ?? '',
      limit: 200,
      ...(cursor && { cursor }),
    });
    for (const o of page.items) ids.add(o.playbookVersionId);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function describeVersion(
  loaded: LoadedVersion,
  ctx: ServiceContext,
): PlaybookVersion & Record<string, unknown> {
  const { version, playbook } = loaded;
  return {
    ...version,
    version: playbook.version,
    title: playbook.title ?? null,
    stages: playbook.stages.map((s) => ({
      id: s.id,
      title: s.title ?? null,
      environment: s.environment ?? null,
      checks: s.checks.map((c) => ({ id: c.id, kind: c.kind, required: c.required })),
      signoff: s.signoff,
      partnerRuns: partnerMayRun(playbook, s),
      freshness: s.freshness ?? formatDuration(freshnessMs(s, ctx.config.defaultFreshnessMs)),
    })),
  };
}
