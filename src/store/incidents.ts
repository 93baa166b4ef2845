import { sql } from 'kysely';
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, type StoreContext } from './context.js';
import {
  appendIncidentEvents,
  checkStatus,
  type Followup,
  type Incident,
  type IncidentEvent,
  type IncidentEventInput,
  type IncidentFilter,
  type IncidentOpenInput,
  type IncidentPatch,
  incidentEventRow,
  incidentListQuery,
  isoTime,
  openIncidentQuery,
  similarIncidentQuery,
  toFollowup,
  toIncident,
  toIncidentEvent,
} from './incident-rows.js';
import { encodeCursor, type Page, pageSize } from './page.js';
import type { IncidentsTable } from './schema.js';

export {
  type Followup,
  type Incident,
  type IncidentEvent,
  type IncidentEventInput,
  type IncidentFilter,
  type IncidentOpenInput,
  type IncidentPatch,
  incidentListQuery,
  MAX_INCIDENT_EVENT_BYTES,
  openIncidentQuery,
  similarIncidentQuery,
} from './incident-rows.js';

type Db = StoreContext['db'];

/** True for a unique-constraint violation on either database (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

// A status change's timestamp column, stamped when the patch does not give one.
const STAMPS = {
  acknowledged: 'acknowledged_at',
  mitigated: 'mitigated_at',
  resolved: 'resolved_at',
} as const;

function optionalTime(value: string | number | null | undefined, field: string): string | null | undefined {
  return value === undefined || value === null ? value : isoTime(value, field);
}

/** The columns a patch sets (besides version and updated_at). */
function patchColumns(patch: IncidentPatch, current: IncidentsTable, now: Date): Partial<IncidentsTable> {
  const set: Partial<IncidentsTable> = {};
  if (patch.status !== undefined) set.status = checkStatus(patch.status);
  if (patch.severity !== undefined) set.severity = patch.severity;
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.summary !== undefined) set.summary = patch.summary;
  if (patch.impact !== undefined) set.impact = patch.impact;
  if (patch.components !== undefined) set.components = JSON.stringify(patch.components);
  if (patch.state !== undefined) set.state = JSON.stringify(patch.state) ?? 'null';
  const times = {
    acknowledged_at: optionalTime(patch.acknowledgedAt, 'acknowledgedAt'),
    first_attempt_at: optionalTime(patch.firstAttemptAt, 'firstAttemptAt'),
    mitigated_at: optionalTime(patch.mitigatedAt, 'mitigatedAt'),
    resolved_at: optionalTime(patch.resolvedAt, 'resolvedAt'),
  };
  for (const [column, value] of Object.entries(times) as [keyof typeof times, string | null | undefined][])
    if (value !== undefined) set[column] = value;
  const stamp = patch.status !== undefined && patch.status !== 'triggered' ? STAMPS[patch.status] : undefined;
  if (stamp && set[stamp] === undefined && current[stamp] === null) set[stamp] = now.toISOString();
  // Re-opened (flap suppression): no longer resolved.
  if (patch.status === 'triggered' && current.status === 'resolved' && set.resolved_at === undefined)
    set.resolved_at = null;
  return set;
}

/** Incidents: opened by dedup key, updated under optimistic concurrency, with a timeline and follow-ups. */
export function incidentRepository(ctx: StoreContext) {
  const findOpenIn = async (db: Db, dedupKey: string) => openIncidentQuery(db, dedupKey).executeTakeFirst();

  return {
    /**
     * Opens an incident, or returns the one already open (not resolved) for the dedup key: `created` says which.
     * Atomic across processes: the insert is `ON CONFLICT DO NOTHING` against the partial unique index, so of
     * two concurrent opens one inserts and the other finds it. `events` go on a new incident's timeline only.
     */
    async open(input: IncidentOpenInput, by: Actor): Promise<{ incident: Incident; created: boolean }> {
      const now = ctx.now();
      if (!input.dedupKey) throw new InputError('incident.dedup-key', 'an incident needs a dedup key');
      const openedAt = input.openedAt === undefined ? now.toISOString() : isoTime(input.openedAt, 'openedAt');
      const row: IncidentsTable = {
        id: newId('inc'),
        onboarding_id: input.onboardingId ?? null,
        partner_id: input.partnerId ?? null,
        playbook_version_id: input.playbookVersionId ?? null,
        environment: input.environment,
        dedup_key: input.dedupKey,
        detector_id: input.detectorId,
        detector_kind: input.detectorKind,
        severity: input.severity,
        status: 'triggered',
        title: input.title,
        summary: input.summary,
        impact: input.impact ?? null,
        components: JSON.stringify(input.components ?? []),
        signature: input.signature,
        state: JSON.stringify(input.state ?? null) ?? 'null',
        opened_at: openedAt,
        acknowledged_at: null,
        first_attempt_at: null,
        mitigated_at: null,
        resolved_at: null,
        updated_at: now.toISOString(),
        version: 1,
        event_seq: 0,
        created_by: by.actor,
      };
      const events = (input.events ?? []).map((e) => incidentEventRow(row.id, e, now, by.actor));
      return ctx.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('incidents')
          .values(row)
          .onConflict((oc) => oc.column('dedup_key').where(sql<boolean>`status <> 'resolved'`).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!inserted) {
          // Read committed: this statement sees the row the conflicting transaction committed.
          const existing = await findOpenIn(trx, input.dedupKey);
          if (!existing) throw new Error(`incident for ${input.dedupKey} conflicted but is not open`);
          return { incident: toIncident(existing), created: false };
        }
        if (events.length > 0) await appendIncidentEvents(trx, row.id, events);
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'incident.opened',
          subject: row.id,
          payload: {
            dedupKey: row.dedup_key,
            severity: row.severity,
            detectorId: row.detector_id,
            onboardingId: row.onboarding_id,
            environment: row.environment,
          },
        });
        const fresh = await trx
          .selectFrom('incidents')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirst();
        return { incident: toIncident(fresh ?? inserted), created: true };
      });
    },

    /** One incident by id. */
    async get(id: string): Promise<Incident | undefined> {
      const row = await ctx.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toIncident(row);
    },

    /** The incident not yet resolved for a dedup key, if any. */
    async findOpen(dedupKey: string): Promise<Incident | undefined> {
      const row = await findOpenIn(ctx.db, dedupKey);
      return row && toIncident(row);
    },

    /** The newest resolved incident of a dedup key (a flapping detector re-opens it), if any. */
    async lastResolved(dedupKey: string): Promise<Incident | undefined> {
      const row = await ctx.db
        .selectFrom('incidents')
        .selectAll()
        .where('dedup_key', '=', dedupKey)
        .where('status', '=', 'resolved')
        .orderBy('opened_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row && toIncident(row);
    },

    /** Incidents newest first (by opened_at), filtered, one page at a time. */
    async list(filter: IncidentFilter = {}): Promise<Page<Incident>> {
      const limit = pageSize(filter.limit);
      const rows = await incidentListQuery(ctx.db, filter, limit).execute();
      const items = rows.slice(0, limit).map(toIncident);
      const last = items.at(-1);
      return rows.length > limit && last
        ? { items, nextCursor: encodeCursor(last.openedAt, last.id) }
        : { items };
    },

    /**
     * Applies a patch and appends timeline events in one transaction, if the incident is still at
     * `expectedVersion`; returns the new row (version + 1). Refused: 'incident.not-found'; 'incident.conflict'
     * when someone else updated it first (re-read, re-apply) or when re-opening it would make a second open
     * incident for its dedup key. Status and severity changes are audited (acknowledgements are decisions).
     */
    async update(
      id: string,
      expectedVersion: number,
      patch: IncidentPatch,
      events: readonly IncidentEventInput[],
      by: Actor,
    ): Promise<Incident> {
      const now = ctx.now();
      const rows = events.map((e) => incidentEventRow(id, e, now, by.actor));
      try {
        return await ctx.db.transaction().execute(async (trx) => {
          const current = await trx
            .selectFrom('incidents')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst();
          if (!current) throw new InputError('incident.not-found', `no incident ${id}`);
          const set = patchColumns(patch, current, now);
          // The version in the WHERE clause is the guard: on PostgreSQL a concurrent writer's UPDATE waits for
          // this one's row lock, then no longer matches.
          const updated = await trx
            .updateTable('incidents')
            .set((eb) => ({ ...set, updated_at: now.toISOString(), version: eb('version', '+', 1) }))
            .where('id', '=', id)
            .where('version', '=', expectedVersion)
            .returningAll()
            .executeTakeFirst();
          if (!updated) throw conflict(id, expectedVersion, Number(current.version));
          if (rows.length > 0) await appendIncidentEvents(trx, id, rows);
          await auditChanges(trx, now, current, updated, by);
          const fresh = await trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
          return toIncident(fresh ?? updated);
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw new InputError(
            'incident.conflict',
            `incident ${id} cannot be re-opened: another incident is open for its dedup key`,
            [],
            { cause: err },
          );
        throw err;
      }
    },

    /** The timeline, oldest first: events after `afterSeq` (default 0), at most `limit` (1..1000, default 1000). */
    async timeline(
      id: string,
      options: { afterSeq?: number; limit?: number } = {},
    ): Promise<IncidentEvent[]> {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1000), 1), 1000);
      const rows = await ctx.db
        .selectFrom('incident_events')
        .selectAll()
        .where('incident_id', '=', id)
        .where('seq', '>', Math.max(Math.trunc(options.afterSeq ?? 0), 0))
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toIncidentEvent);
    },

    /** Appends events to the timeline (notes, notifications, signals) without a version check; returns the last seq. */
    async addEvents(id: string, events: readonly IncidentEventInput[], by: Actor): Promise<number> {
      const now = ctx.now();
      const rows = events.map((e) => incidentEventRow(id, e, now, by.actor));
      if (rows.length === 0) return 0;
      return ctx.db.transaction().execute((trx) => appendIncidentEvents(trx, id, rows));
    },

    /** Past incidents with the same failure signature, newest first (for correlation), excluding `exceptId`. */
    async similar(signature: string, limit = 10, exceptId?: string): Promise<Incident[]> {
      return (await similarIncidentQuery(ctx.db, signature, pageSize(limit), exceptId).execute()).map(
        toIncident,
      );
    },

    followups: followupMethods(ctx),
  };
}

function conflict(id: string, expected: number, current: number): InputError {
  return new InputError(
    'incident.conflict',
    `incident ${id} is at version ${current}, not ${expected}: it changed since it was read`,
  );
}

/** Audit events for what a patch changed that is a decision: status and severity. */
async function auditChanges(
  trx: Db,
  now: Date,
  before: IncidentsTable,
  after: IncidentsTable,
  by: Actor,
): Promise<void> {
  if (before.status !== after.status) {
    const action = after.status === 'triggered' ? 'incident.reopened' : `incident.${after.status}`;
    await appendAudit(trx, now, {
      actor: by.actor,
      action,
      subject: after.id,
      payload: { from: before.status, to: after.status, version: Number(after.version) },
    });
  }
  if (before.severity !== after.severity) {
    await appendAudit(trx, now, {
      actor: by.actor,
      action: 'incident.severity-changed',
      subject: after.id,
      payload: { from: before.severity, to: after.severity, version: Number(after.version) },
    });
  }
}

/** Follow-ups of an incident: owners and due dates (audited: they are commitments). */
function followupMethods(ctx: StoreContext) {
  return {
    /** Adds a follow-up to an incident. */
    async add(
      input: { incidentId: string; title: string; owner: string; dueAt?: string | number | null },
      by: Actor,
    ): Promise<Followup> {
      if (!input.title.trim()) throw new InputError('followup.title', 'a follow-up needs a title');
      if (!input.owner.trim()) throw new InputError('followup.owner', 'a follow-up needs an owner');
      const now = ctx.now();
      const row = {
        id: newId('fup'),
        incident_id: input.incidentId,
        title: input.title.trim(),
        owner: input.owner.trim(),
        due_at: optionalTime(input.dueAt, 'dueAt') ?? null,
        done_at: null,
        created_at: now.toISOString(),
        created_by: by.actor,
      };
      await ctx.db.transaction().execute(async (trx) => {
        const incident = await trx
          .selectFrom('incidents')
          .select('id')
          .where('id', '=', input.incidentId)
          .executeTakeFirst();
        if (!incident) throw new InputError('incident.not-found', `no incident ${input.incidentId}`);
        await trx.insertInto('incident_followups').values(row).execute();
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'followup.added',
          subject: row.id,
          payload: { incidentId: row.incident_id, title: row.title, owner: row.owner, dueAt: row.due_at },
        });
      });
      return toFollowup(row);
    },

    /** An incident's follow-ups, oldest first. */
    async list(incidentId: string): Promise<Followup[]> {
      const rows = await ctx.db
        .selectFrom('incident_followups')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toFollowup);
    },

    /** Marks a follow-up done (once; again returns it unchanged). */
    async complete(id: string, by: Actor): Promise<Followup> {
      const now = ctx.now();
      const row = await ctx.db.transaction().execute(async (trx) => {
        const done = await trx
          .updateTable('incident_followups')
          .set({ done_at: now.toISOString() })
          .where('id', '=', id)
          .where('done_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (done) {
          await appendAudit(trx, now, {
            actor: by.actor,
            action: 'followup.completed',
            subject: id,
            payload: { incidentId: done.incident_id },
          });
          return done;
        }
        const current = await trx
          .selectFrom('incident_followups')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (!current) throw new InputError('followup.not-found', `no follow-up ${id}`);
        return current;
      });
      return toFollowup(row);
    },
  };
}

export type IncidentRepository = ReturnType<typeof incidentRepository>;
