// Run progress events, for the service's live streams: a worker appends, an API process polls by seq.
// Not audited: progress is not a decision (the run's start, results and finish are audited).
import { InputError } from '../core/errors.js';
import type { Actor, StoreContext } from './context.js';
import { parseJson } from './context.js';
import { pruneOlderThan } from './retention.js';
import type { RunEventsTable } from './schema.js';

/** One progress event of a run. */
export interface RunEvent {
  /** 1, 2, 3... per run, in append order. */
  seq: number;
  at: string;
  type: string;
  data: unknown;
}

/** What a writer appends; `at` defaults to the store's clock. */
export interface RunEventInput {
  type: string;
  data: unknown;
  at?: string;
}

/** Bytes of JSON an event's data may take: progress, not evidence (evidence goes with the results). */
export const MAX_RUN_EVENT_BYTES = 64 * 1024;
const MAX_TYPE_LENGTH = 200;
// Rows per INSERT: 5 parameters each, well under both databases' bound-parameter limits.
const CHUNK = 400;

type Db = StoreContext['db'];

function toRow(runId: string, seq: number, e: RunEventInput, now: Date): RunEventsTable {
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > MAX_TYPE_LENGTH) {
    throw new InputError('run-event.type', `a run event needs a type of 1 to ${MAX_TYPE_LENGTH} characters`);
  }
  let at = now.toISOString();
  if (e.at !== undefined) {
    const t = new Date(e.at);
    if (Number.isNaN(t.getTime()))
      throw new InputError('run-event.at', `run event time "${e.at}" is not a date`);
    at = t.toISOString();
  }
  const data = JSON.stringify(e.data) ?? 'null';
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > MAX_RUN_EVENT_BYTES) {
    throw new InputError(
      'run-event.too-large',
      `run event "${e.type}" has ${bytes} bytes of data; at most ${MAX_RUN_EVENT_BYTES} are kept per event`,
    );
  }
  return { run_id: runId, seq, at, type: e.type, data };
}

/** The query behind runs.events (exported so tests can EXPLAIN it): ascending seq after `afterSeq`. */
export function runEventListQuery(db: Db, runId: string, afterSeq: number, limit: number) {
  return db
    .selectFrom('run_events')
    .select(['seq', 'at', 'type', 'data'])
    .where('run_id', '=', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit);
}

/** The run-event methods of store.runs. */
export function runEventMethods(ctx: StoreContext) {
  return {
    /**
     * Appends events to a run (in any state) and returns the last seq. Seqs are numbered in one transaction by
     * incrementing the run's counter, which locks the run: concurrent writers get distinct, consecutive seqs.
     * An event whose data is over 64 KiB of JSON is refused ('run-event.too-large') and nothing is appended.
     */
    async appendEvents(runId: string, events: readonly RunEventInput[]): Promise<number> {
      const now = ctx.now();
      // Validate before taking the lock: a refused batch costs the other writers nothing.
      const rows = events.map((e, i) => toRow(runId, i, e, now));
      return ctx.db.transaction().execute(async (trx) => {
        const run = await trx
          .updateTable('runs')
          .set((eb) => ({ event_seq: eb('event_seq', '+', rows.length) }))
          .where('id', '=', runId)
          .returning('event_seq')
          .executeTakeFirst();
        if (!run) throw new InputError('run.not-found', `no run ${runId}`);
        const last = Number(run.event_seq);
        const first = last - rows.length + 1;
        for (const row of rows) row.seq += first;
        for (let i = 0; i < rows.length; i += CHUNK)
          await trx
            .insertInto('run_events')
            .values(rows.slice(i, i + CHUNK))
            .execute();
        return last;
      });
    },

    /** A run's events after `afterSeq` (default 0), ascending, at most `limit` (1..1000, default 100). */
    async events(runId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<RunEvent[]> {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
      const afterSeq = Math.max(Math.trunc(options.afterSeq ?? 0), 0);
      if (!Number.isFinite(limit) || !Number.isFinite(afterSeq))
        throw new InputError('run-event.page', 'afterSeq and limit must be numbers');
      const rows = await runEventListQuery(ctx.db, runId, afterSeq, limit).execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at,
        type: r.type,
        data: parseJson<unknown>(r.data, null),
      }));
    },

    /** Deletes run events older than `olderThanDays` (the runs, results and audit trail stay). Audited. */
    async pruneEvents(
      input: { olderThanDays: number } & Actor,
    ): Promise<{ deleted: number; before: string }> {
      return pruneOlderThan(
        ctx,
        {
          action: 'run-events.pruned',
          subject: 'run_events',
          remove: async (trx, before) =>
            (await trx.deleteFrom('run_events').where('at', '<', before).executeTakeFirst()).numDeletedRows,
        },
        input,
      );
    },
  };
}
