import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import type { IncidentCommand, IncidentState } from '../../core/ops/incident.js';
import { CLOCKS } from '../../core/ops/types.js';
import type { Incident } from '../../store/index.js';
import { ApiError, notFound } from '../errors.js';
import { applyCommand, type IncidentDeps } from '../ops/incident-engine.js';
import { incidentReport } from '../ops/report-data.js';
import { ALL_ROLES, route, WRITERS } from '../route.js';
import { idString, pageOf, pageQuery, timestamp } from '../schemas/common.js';
import {
  deliverySchema,
  followupSchema,
  incidentDetailSchema,
  incidentEventSchema,
  incidentSchema,
} from '../schemas/ops.js';
import { canSeePartner, partnerFilter } from '../scope.js';
import type { Principal, ServiceContext } from '../types.js';

const params = z.object({ incidentId: idString('incident') });

/** The incident, if the caller may see it (404 otherwise, as if it did not exist). */
export async function visibleIncident(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
): Promise<Incident> {
  const incident = await ctx.store.incidents.get(id);
  if (!incident || (incident.partnerId !== null && !canSeePartner(principal, incident.partnerId)))
    throw notFound('incident', id);
  if (incident.partnerId === null && principal.role === 'partner') throw notFound('incident', id);
  return incident;
}

/** The incident engine for a request: refuses with 503 when this process cannot queue work. */
export function incidentDeps(ctx: ServiceContext): IncidentDeps {
  const jobs = ctx.jobs;
  if (!jobs) throw new ApiError(503, 'jobs.unavailable', 'this server cannot schedule work');
  return { store: ctx.store, jobs, versions: ctx.versions, now: () => ctx.now().getTime() };
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** An incident as the API shows it: the row, plus who acknowledged and resolved and the first trigger (from its state). */
export function incidentView(incident: Incident) {
  const state = incident.state as IncidentState | null;
  return {
    ...incident,
    triggeredAt: iso(state?.triggeredAt),
    acknowledgedBy: state?.acknowledgedBy ?? null,
    resolvedBy: state?.resolvedBy ?? null,
  };
}

/** The incident with its clocks, escalation position, runbook and similar past incidents. */
async function detail(ctx: ServiceContext, incident: Incident) {
  const state = incident.state as IncidentState | null;
  const loaded = incident.playbookVersionId ? await ctx.versions.get(incident.playbookVersionId) : undefined;
  const ops = loaded?.playbook.ops;
  const severity = ops?.severities.find((s) => s.id === incident.severity);
  const met: Record<string, number | null> = {
    acknowledge: state?.acknowledgedAt ?? null,
    firstResolutionAttempt: state?.firstAttemptAt ?? null,
    mitigate: state?.mitigatedAt ?? null,
    resolve: state?.resolvedAt ?? null,
  };
  const clocks = CLOCKS.flatMap((clock) => {
    const limit = severity?.clocks[clock];
    if (limit === null || limit === undefined || !state) return [];
    const breach = state.breaches.filter((b) => b.clock === clock && b.cycle === state.cycle).at(-1);
    return [
      {
        clock,
        deadline: iso(state.openedAt + limit),
        metAt: iso(met[clock]),
        breachedAt: iso(breach?.at),
      },
    ];
  });
  const detector = ops?.detectors.find((d) => d.id === incident.detectorId);
  const runbookFile = detector?.runbook ? loaded?.playbook.runbooks?.[detector.runbook] : undefined;
  const markdown = runbookFile ? await readFile(runbookFile, 'utf8').catch(() => null) : null;
  const similar = await ctx.store.incidents.similar(incident.signature, 5, incident.id);
  return {
    ...incidentView(incident),
    clocks,
    escalation: state ? state.escalation : null,
    runbook: detector?.runbook ? { name: detector.runbook, markdown } : null,
    similar: similar
      .filter((s) => s.partnerId === incident.partnerId)
      .map((s) => ({ id: s.id, title: s.title, openedAt: s.openedAt, status: s.status })),
  };
}

const note = z.object({ message: z.string().trim().max(4000).optional() });

/** POST /incidents/{id}/<action>: one command of the state machine, by the caller. */
function commandRoute(
  action: string,
  operationId: string,
  summary: string,
  body: z.ZodType,
  command: (body: never, by: string) => IncidentCommand,
) {
  return route({
    method: 'POST',
    path: `/incidents/{incidentId}/${action}`,
    operationId,
    summary,
    tag: 'incidents',
    roles: WRITERS,
    params,
    body,
    response: { status: 200, description: 'The incident after the command.', schema: incidentDetailSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params: p, body: b }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      const updated = await applyCommand(
        incidentDeps(ctx),
        incident.id,
        command(b as never, principal.name),
        principal.actor,
      );
      return detail(ctx, updated);
    },
  });
}

export const incidentRoutes = [
  route({
    method: 'GET',
    path: '/incidents',
    operationId: 'listIncidents',
    summary: 'List incidents',
    tag: 'incidents',
    roles: ALL_ROLES,
    query: z.object({
      status: z
        .enum(['open', 'triggered', 'acknowledged', 'mitigated', 'resolved'])
        .optional()
        .describe('open: every status but resolved.'),
      severity: z.string().max(40).optional(),
      onboardingId: z.string().max(128).optional(),
      partnerId: z.string().max(128).optional(),
      ...pageQuery,
    }),
    response: { status: 200, description: 'Newest first.', schema: pageOf(incidentSchema) },
    async handle({ ctx, principal, query }) {
      const partnerId = partnerFilter(principal, query.partnerId);
      const page = await ctx.store.incidents.list({
        ...(query.status === 'open'
          ? { status: ['triggered', 'acknowledged', 'mitigated'] }
          : query.status && { status: query.status }),
        ...(query.severity && { severity: query.severity }),
        ...(query.onboardingId && { onboardingId: query.onboardingId }),
        ...(partnerId && { partnerId }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
      return { ...page, items: page.items.map(incidentView) };
    },
  }),
  route({
    method: 'GET',
    path: '/incidents/{incidentId}',
    operationId: 'getIncident',
    summary: 'One incident, with its clocks, runbook and similar past incidents',
    tag: 'incidents',
    roles: ALL_ROLES,
    params,
    response: { status: 200, description: 'The incident.', schema: incidentDetailSchema },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      return detail(ctx, await visibleIncident(ctx, principal, p.incidentId));
    },
  }),
  route({
    method: 'GET',
    path: '/incidents/{incidentId}/timeline',
    operationId: 'getIncidentTimeline',
    summary: 'The timeline: every signal, notification, acknowledgement, action and note',
    tag: 'incidents',
    roles: ALL_ROLES,
    params,
    query: z.object({ afterSeq: z.coerce.number().int().min(0).default(0) }),
    response: {
      status: 200,
      description: 'Oldest first.',
      schema: z.object({ items: z.array(incidentEventSchema) }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p, query }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return { items: await ctx.store.incidents.timeline(incident.id, { afterSeq: query.afterSeq }) };
    },
  }),
  route({
    method: 'GET',
    path: '/incidents/{incidentId}/report',
    operationId: 'getIncidentReport',
    summary: 'The post-incident report (Markdown)',
    description:
      'Problem statement, impact, detection / acknowledgement / resolution times against the severity’s targets, timeline, linked changes, runbook steps taken, follow-ups. Written from the stored timeline each time it is asked for.',
    tag: 'incidents',
    roles: ALL_ROLES,
    params,
    response: {
      status: 200,
      description: 'The report.',
      schema: z.object({ markdown: z.string() }).meta({ id: 'IncidentReport' }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return { markdown: await incidentReport(ctx, incident, ctx.now().getTime()) };
    },
  }),
  route({
    method: 'GET',
    path: '/incidents/{incidentId}/deliveries',
    operationId: 'listIncidentDeliveries',
    summary: 'Notifications of an incident and their delivery state',
    tag: 'incidents',
    roles: ['admin', 'operator', 'viewer'],
    params,
    response: {
      status: 200,
      description: 'Oldest first.',
      schema: z.object({ items: z.array(deliverySchema) }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return { items: await ctx.store.deliveries.list(incident.id) };
    },
  }),
  commandRoute(
    'notes',
    'addIncidentNote',
    'Add a note to the timeline (notified to the policy’s update channels)',
    z.object({ text: z.string().trim().min(1).max(4000) }),
    (b: { text: string }, by) => ({ type: 'note', by, text: b.text }),
  ),
  route({
    method: 'POST',
    path: '/incidents/{incidentId}/impact',
    operationId: 'recordIncidentImpact',
    summary:
      'Record the impact statement (who and what is affected, how badly): in the report and on the timeline',
    tag: 'incidents',
    roles: WRITERS,
    params,
    body: z.object({ impact: z.string().trim().min(1).max(4000) }),
    response: { status: 200, description: 'The incident with its impact.', schema: incidentDetailSchema },
    errors: [404, 409],
    async handle({ ctx, principal, params: p, body }) {
      let incident = await visibleIncident(ctx, principal, p.incidentId);
      const entry = { type: 'impact', actor: principal.name, message: `Impact: ${body.impact}` };
      for (let attempt = 0; ; attempt++) {
        try {
          const updated = await ctx.store.incidents.update(
            incident.id,
            incident.version,
            { impact: body.impact },
            [entry],
            { actor: principal.actor },
          );
          return detail(ctx, updated);
        } catch (error) {
          // The engine wrote meanwhile (a signal, a timer): the impact applies to the fresh row.
          if (!(error instanceof InputError && error.code === 'incident.conflict') || attempt >= 3)
            throw error;
          incident = await visibleIncident(ctx, principal, p.incidentId);
        }
      }
    },
  }),
  commandRoute(
    'severity',
    'changeIncidentSeverity',
    'Change the severity (clocks are re-planned from the trigger)',
    z.object({ severity: z.string().min(1).max(40) }),
    (b: { severity: string }, by) => ({ type: 'severity', by, severity: b.severity }),
  ),
  commandRoute(
    'attempts',
    'recordResolutionAttempt',
    'Record a resolution attempt (meets the first-resolution-attempt clock)',
    z.object({ what: z.string().trim().min(1).max(2000) }),
    (b: { what: string }, by) => ({ type: 'attempt', by, what: b.what }),
  ),
  commandRoute(
    'acknowledge',
    'acknowledgeIncident',
    'Acknowledge: stops escalation',
    z.object({}),
    (_b, by) => ({
      type: 'acknowledge',
      by,
    }),
  ),
  commandRoute('mitigate', 'mitigateIncident', 'Mark mitigated', note, (b: { message?: string }, by) => ({
    type: 'mitigate',
    by,
    ...(b.message && { message: b.message }),
  })),
  commandRoute('resolve', 'resolveIncident', 'Resolve', note, (b: { message?: string }, by) => ({
    type: 'resolve',
    by,
    ...(b.message && { message: b.message }),
  })),
  route({
    method: 'GET',
    path: '/incidents/{incidentId}/followups',
    operationId: 'listFollowups',
    summary: 'Follow-ups of an incident',
    tag: 'incidents',
    roles: ALL_ROLES,
    params,
    response: {
      status: 200,
      description: 'Oldest first.',
      schema: z.object({ items: z.array(followupSchema) }),
    },
    errors: [404],
    async handle({ ctx, principal, params: p }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return { items: await ctx.store.incidents.followups.list(incident.id) };
    },
  }),
  route({
    method: 'POST',
    path: '/incidents/{incidentId}/followups',
    operationId: 'addFollowup',
    summary: 'Add a follow-up with an owner and a due date',
    tag: 'incidents',
    roles: WRITERS,
    params,
    body: z.object({
      title: z.string().trim().min(1).max(500),
      owner: z.string().trim().min(1).max(200),
      dueAt: timestamp.optional(),
    }),
    response: { status: 201, description: 'The follow-up.', schema: followupSchema },
    errors: [404],
    async handle({ ctx, principal, params: p, body }) {
      const incident = await visibleIncident(ctx, principal, p.incidentId);
      return ctx.store.incidents.followups.add(
        {
          incidentId: incident.id,
          title: body.title,
          owner: body.owner,
          ...(body.dueAt && { dueAt: body.dueAt }),
        },
        { actor: principal.actor },
      );
    },
  }),
];
