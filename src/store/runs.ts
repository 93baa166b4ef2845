import { InputError } from '../core/errors.js';
import type { CheckResult } from '../core/result.js';
import { appendAudit } from './audit.js';
import type { Actor, StoreContext } from './context.js';
import { DEFAULT_MAX_EVIDENCE_BYTES } from './evidence.js';
import { encodeCursor, type Page, pageSize } from './page.js';
import { insertResults } from './result-rows.js';
import { runEventMethods } from './run-events.js';
import {
  type FinalRunStatus,
  finishRunIn,
  insertRun,
  lockRunningRun,
  type Run,
  type RunFilter,
  type RunSource,
  runListQuery,
  toRun,
} from './run-rows.js';
import type { RunsTable } from './schema.js';

export {
  computeEvidenceHash,
  type FinalRunStatus,
  RUN_STATUSES,
  type Run,
  type RunFilter,
  type RunSource,
  type RunStatus,
  runListQuery,
} from './run-rows.js';

type Db = StoreContext['db'];

/** The cut-off time for a heartbeat `staleMs` before now; a nonsense value is the caller's mistake. */
function staleBefore(now: Date, staleMs: number): string {
  if (!(Number.isFinite(staleMs) && staleMs >= 0))
    throw new InputError('run.stale-ms', 'staleMs must be a number of milliseconds >= 0');
  return new Date(now.getTime() - staleMs).toISOString();
}

/**
 * Marks running runs (all, or one) whose heartbeat — or start, when none — is older than `before` as
 * interrupted, with an audit event naming the worker that went silent. Inside `trx`.
 */
async function interruptStaleIn(
  trx: Db,
  now: Date,
  before: string,
  by: Actor & { id?: string; takenOverBy?: string },
): Promise<RunsTable[]> {
  let q = trx
    .updateTable('runs')
    .set({ status: 'interrupted' })
    .where('status', '=', 'running')
    .where((eb) => eb(eb.fn.coalesce('heartbeat_at', 'started_at'), '<', before));
  if (by.id !== undefined) q = q.where('id', '=', by.id);
  const rows = await q.returningAll().execute();
  for (const row of rows) {
    await appendAudit(trx, now, {
      actor: by.actor,
      action: 'run.interrupted',
      subject: row.id,
      payload: {
        workerId: row.worker_id,
        heartbeatAt: row.heartbeat_at,
        attempts: Number(row.attempts),
        ...(by.takenOverBy !== undefined && { takenOverBy: by.takenOverBy }),
      },
    });
  }
  return rows;
}

/** Run lifecycle: queued → running (attempts, worker, heartbeat) → passed/failed/errored/interrupted. */
export function runRepository(ctx: StoreContext, options: { maxEvidenceBytes?: number } = {}) {
  const maxEvidenceBytes = options.maxEvidenceBytes ?? DEFAULT_MAX_EVIDENCE_BYTES;
  return {
    /** Queues a run of a stage of an onboarding (on the onboarding's playbook version unless given). */
    async create(
      input: {
        onboardingId: string;
        stage: string;
        playbookVersionId?: string;
        environment?: string | null;
        source?: RunSource;
      } & Actor,
    ): Promise<Run> {
      const now = ctx.now();
      const row = await ctx.db
        .transaction()
        .execute((trx) =>
          insertRun(trx, now, { ...input, source: input.source ?? 'local', status: 'queued' }),
        );
      return toRun(row);
    },

    /**
     * A worker takes a queued (or interrupted, to retry) run: running, attempts + 1. With `staleMs`, a running run
     * whose worker has been silent that long is first marked interrupted (audited, naming the silent worker)
     * and taken over, in the same transaction. Undefined if not takeable (e.g. running with a fresh heartbeat).
     */
    async start(id: string, input: { workerId: string; staleMs?: number } & Actor): Promise<Run | undefined> {
      const now = ctx.now();
      const before = input.staleMs === undefined ? undefined : staleBefore(now, input.staleMs);
      return ctx.db.transaction().execute(async (trx) => {
        if (before !== undefined)
          await interruptStaleIn(trx, now, before, { actor: input.actor, id, takenOverBy: input.workerId });
        const row = await trx
          .updateTable('runs')
          .set((eb) => ({
            status: 'running',
            attempts: eb('attempts', '+', 1),
            worker_id: input.workerId,
            heartbeat_at: now.toISOString(),
            started_at: now.toISOString(),
          }))
          .where('id', '=', id)
          .where('status', 'in', ['queued', 'interrupted'])
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'run.started',
          subject: id,
          payload: { workerId: input.workerId, attempt: Number(row.attempts) },
        });
        return toRun(row);
      });
    },

    /** Liveness of a running run; false when the run is no longer this worker's. Not audited (not a decision). */
    async heartbeat(id: string, workerId: string): Promise<boolean> {
      const res = await ctx.db
        .updateTable('runs')
        .set({ heartbeat_at: ctx.now().toISOString() })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('worker_id', '=', workerId)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Finishes a run; its evidence hash covers the results stored so far. */
    async finish(id: string, input: { status: FinalRunStatus } & Actor): Promise<Run> {
      const now = ctx.now();
      return toRun(
        await ctx.db.transaction().execute((trx) => finishRunIn(trx, now, id, input.status, input)),
      );
    },

    /**
     * A worker's atomic end of a run: stores all its results (bounded, compressed evidence) and finishes it
     * (evidence hash, audit) in ONE transaction, so no crash leaves results without a finished run or the
     * reverse. Refused: 'run.finished'; 'run.not-owner' when `workerId` is given and the run is no longer that
     * worker's (taken over, or marked interrupted); 'run.not-running' (queued); 'run.not-found'.
     */
    async complete(
      id: string,
      input: { workerId?: string; status: FinalRunStatus; results: readonly CheckResult[] } & Actor,
    ): Promise<Run> {
      const now = ctx.now();
      const row = await ctx.db.transaction().execute(async (trx) => {
        const run = await lockRunningRun(trx, id, input.workerId);
        if (input.results.length > 0)
          await insertResults(trx, now, run, input.results, maxEvidenceBytes, input);
        return finishRunIn(trx, now, id, input.status, input);
      });
      return toRun(row);
    },

    /** Marks running runs whose heartbeat is older than `staleMs` as interrupted (their worker died). */
    async interruptStale(input: { staleMs: number } & Actor): Promise<Run[]> {
      const now = ctx.now();
      const before = staleBefore(now, input.staleMs);
      const rows = await ctx.db.transaction().execute((trx) => interruptStaleIn(trx, now, before, input));
      return rows.map(toRun);
    },

    /** One run by id. */
    async get(id: string): Promise<Run | undefined> {
      const row = await ctx.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },

    /** Runs newest first, filtered, one page at a time. */
    async list(filter: RunFilter = {}): Promise<Page<Run>> {
      const limit = pageSize(filter.limit);
      const q = runListQuery(ctx.db, filter, limit);
      const rows = await q.execute();
      const items = rows.slice(0, limit).map(toRun);
      const last = items.at(-1);
      return rows.length > limit && last
        ? { items, nextCursor: encodeCursor(last.createdAt, last.id) }
        : { items };
    },

    ...runEventMethods(ctx),
  };
}

export type RunRepository = ReturnType<typeof runRepository>;
