// Runs of automated actions (rollback / throttle webhooks, re-runs, tickets) and their outcomes: the guards
// (cool-down, max per hour) count them, the timeline shows them. Audited: an action changes the world, and
// approving one is a decision.
import { sql, type Transaction } from 'kysely';
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, parseJson, type StoreContext } from './context.js';
import { isoTime } from './incident-rows.js';
import type { ActionRunsTable, Database } from './schema.js';

export const ACTION_RUN_STATUSES = [
  'pending-approval',
  'running',
  'succeeded',
  'failed',
  'suppressed',
] as const;
export type ActionRunStatus = (typeof ACTION_RUN_STATUSES)[number];

export interface ActionRun {
  id: string;
  incidentId: string | null;
  actionId: string;
  at: string;
  status: ActionRunStatus;
  detail: unknown;
  actor: string;
  updatedAt: string;
}

function toActionRun(row: ActionRunsTable): ActionRun {
  return {
    id: row.id,
    incidentId: row.incident_id,
    actionId: row.action_id,
    at: row.at,
    status: row.status as ActionRunStatus,
    detail: parseJson<unknown>(row.detail, null),
    actor: row.actor,
    updatedAt: row.updated_at,
  };
}

function checkStatus(status: string): ActionRunStatus {
  if (!(ACTION_RUN_STATUSES as readonly string[]).includes(status))
    throw new InputError('action-run.status', `"${status}" is not an action run status`);
  return status as ActionRunStatus;
}

// What counts against cool-down and max-per-hour: actions that ran or are running (a suppressed one did not
// run; one awaiting approval has not yet).
const COUNTED: ActionRunStatus[] = ['running', 'succeeded', 'failed'];

/** Action runs: recorded, moved on (approved, finished), counted by the guards. */
export function actionRepository(ctx: StoreContext) {
  return {
    /** Records an action run (its `at` defaults to now). */
    async record(input: RunInput, by: Actor): Promise<ActionRun> {
      const now = ctx.now();
      return ctx.db.transaction().execute((trx) => insertRun(trx, input, by, now));
    },

    /**
     * Moves a run on (pending-approval → running when approved, running → succeeded | failed), only from
     * `from` when given (two approvers cannot both start it: 'action-run.conflict'). Audited.
     */
    async update(id: string, input: RunUpdate, by: Actor): Promise<ActionRun> {
      const now = ctx.now();
      return ctx.db.transaction().execute((trx) => updateRun(trx, id, input, by, now));
    },

    /**
     * Runs `decide` and its writes in one transaction that holds the guards' lock of an action (for one
     * onboarding when given): `decide` gets when the counted runs started at or after `since` (as
     * countedTimes), and records or moves runs through the writer it is given. Two requests at once cannot
     * both start a run the cool-down or the hourly cap allows once: the second sees the first's run.
     * PostgreSQL: an advisory lock on the pair, held to the end of the transaction; SQLite: the
     * transaction's write lock (BEGIN IMMEDIATE), taken before the read.
     */
    async guarded<T>(
      scope: GuardScope,
      since: string | number,
      decide: (times: number[], writer: GuardedWriter) => Promise<T>,
    ): Promise<T> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        if (ctx.dialect === 'postgres')
          await sql`select pg_advisory_xact_lock(hashtextextended(${`gangway.action:${scope.actionId}:${scope.onboardingId ?? ''}`}, 0))`.execute(
            trx,
          );
        const times = await countedIn(trx, scope, since);
        return decide(times, {
          record: (input, by) => insertRun(trx, input, by, now),
          update: (id, input, by) => updateRun(trx, id, input, by, now),
        });
      });
    },

    /** One action run; undefined when there is none. */
    async get(id: string): Promise<ActionRun | undefined> {
      const row = await ctx.db.selectFrom('action_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toActionRun(row) : undefined;
    },

    /**
     * When the runs of an action that count against its guards (running, succeeded, failed) started, at or
     * after `since`, oldest first — for one onboarding when given (through the runs' incidents).
     */
    countedTimes(filter: GuardScope, since: string | number): Promise<number[]> {
      return countedIn(ctx.db, filter, since);
    },

    /** How many runs of an action (or of any action for an incident) ran at or after `since` (for the guards). */
    async countSince(
      filter: { actionId?: string; incidentId?: string },
      since: string | number,
    ): Promise<number> {
      if (filter.actionId === undefined && filter.incidentId === undefined)
        throw new InputError('action-run.filter', 'count action runs of an action or of an incident');
      let q = ctx.db
        .selectFrom('action_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('at', '>=', isoTime(since, 'since'))
        .where('status', 'in', COUNTED);
      if (filter.actionId !== undefined) q = q.where('action_id', '=', filter.actionId);
      if (filter.incidentId !== undefined) q = q.where('incident_id', '=', filter.incidentId);
      const row = await q.executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Action runs of an incident (or of an action), oldest first, at most `limit` (1..1000, default 200). */
    async list(filter: { incidentId?: string; actionId?: string; limit?: number }): Promise<ActionRun[]> {
      let q = ctx.db.selectFrom('action_runs').selectAll();
      if (filter.incidentId !== undefined) q = q.where('incident_id', '=', filter.incidentId);
      if (filter.actionId !== undefined) q = q.where('action_id', '=', filter.actionId);
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 200), 1), 1000);
      return (await q.orderBy('at').orderBy('id').limit(limit).execute()).map(toActionRun);
    },
  };
}

/** A run to record: `at` defaults to now, `id` to a new one. */
export interface RunInput {
  incidentId?: string | null;
  actionId: string;
  status: ActionRunStatus;
  detail?: unknown;
  at?: string | number;
  /** A caller-made id (a durable job queued before the record names the run by it); default a new one. */
  id?: string;
}

/** A run's next status (and detail), only from `from` when given. */
export interface RunUpdate {
  status: ActionRunStatus;
  detail?: unknown;
  from?: ActionRunStatus;
}

/** The runs the guards of an action count: of that action, for one onboarding when given. */
export interface GuardScope {
  actionId: string;
  onboardingId?: string;
}

/** The writes `guarded` lets its decision make, inside its transaction. */
export interface GuardedWriter {
  record(input: RunInput, by: Actor): Promise<ActionRun>;
  update(id: string, input: RunUpdate, by: Actor): Promise<ActionRun>;
}

type Db = StoreContext['db'];

async function insertRun(
  trx: Transaction<Database>,
  input: RunInput,
  by: Actor,
  now: Date,
): Promise<ActionRun> {
  if (!input.actionId) throw new InputError('action-run.action', 'an action run needs an action id');
  const row: ActionRunsTable = {
    id: input.id ?? newId('act'),
    incident_id: input.incidentId ?? null,
    action_id: input.actionId,
    at: input.at === undefined ? now.toISOString() : isoTime(input.at, 'at'),
    status: checkStatus(input.status),
    detail: JSON.stringify(input.detail ?? null) ?? 'null',
    actor: by.actor,
    updated_at: now.toISOString(),
  };
  await trx.insertInto('action_runs').values(row).execute();
  await appendAudit(trx, now, {
    actor: by.actor,
    action: 'action.recorded',
    subject: row.id,
    payload: { actionId: row.action_id, incidentId: row.incident_id, status: row.status },
  });
  return toActionRun(row);
}

async function updateRun(
  trx: Transaction<Database>,
  id: string,
  input: RunUpdate,
  by: Actor,
  now: Date,
): Promise<ActionRun> {
  const status = checkStatus(input.status);
  let q = trx
    .updateTable('action_runs')
    .set({
      status,
      updated_at: now.toISOString(),
      ...(input.detail !== undefined && { detail: JSON.stringify(input.detail) ?? 'null' }),
    })
    .where('id', '=', id);
  if (input.from !== undefined) q = q.where('status', '=', input.from);
  const updated = await q.returningAll().executeTakeFirst();
  if (!updated) {
    const current = await trx
      .selectFrom('action_runs')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new InputError('action-run.not-found', `no action run ${id}`);
    throw new InputError('action-run.conflict', `action run ${id} is ${current.status}, not ${input.from}`);
  }
  await appendAudit(trx, now, {
    actor: by.actor,
    action: `action.${status}`,
    subject: id,
    payload: { actionId: updated.action_id, incidentId: updated.incident_id, status },
  });
  return toActionRun(updated);
}

async function countedIn(db: Db, filter: GuardScope, since: string | number): Promise<number[]> {
  let q = db
    .selectFrom('action_runs')
    .select('at')
    .where('action_id', '=', filter.actionId)
    .where('at', '>=', isoTime(since, 'since'))
    .where('status', 'in', COUNTED);
  const onboardingId = filter.onboardingId;
  if (onboardingId !== undefined)
    q = q.where('incident_id', 'in', (eb) =>
      eb.selectFrom('incidents').select('id').where('onboarding_id', '=', onboardingId),
    );
  return (await q.orderBy('at').limit(10_000).execute()).map((r) => Date.parse(r.at));
}

export type ActionRepository = ReturnType<typeof actionRepository>;
