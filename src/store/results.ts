import type { CheckResult, Outcome } from '../core/result.js';
import type { Actor, StoreContext } from './context.js';
import { DEFAULT_MAX_EVIDENCE_BYTES, type Evidence, unpackEvidence } from './evidence.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import { insertResults, type StoredCheckResult, toResult } from './result-rows.js';
import { pruneOlderThan } from './retention.js';
import { type FinalRunStatus, finishRunIn, insertRun, lockRunningRun, type Run, toRun } from './run-rows.js';

export type { StoredCheckResult } from './result-rows.js';

type Db = StoreContext['db'];

export interface ResultFilter {
  runId?: string;
  partnerId?: string;
  checkId?: string;
  outcome?: Outcome;
  limit?: number;
  cursor?: string;
}

/** The query behind results.list (exported so tests can EXPLAIN it): newest first, one more row than the page. */
export function resultListQuery(db: Db, filter: ResultFilter, limit: number) {
  let q = db.selectFrom('check_results').selectAll();
  if (filter.runId !== undefined) q = q.where('run_id', '=', filter.runId);
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.checkId !== undefined) q = q.where('check_id', '=', filter.checkId);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(at, id)));
  }
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

/** Check results and their bounded, gzip-compressed evidence; retention of evidence. */
export function resultRepository(ctx: StoreContext, options: { maxEvidenceBytes?: number } = {}) {
  const maxEvidenceBytes = options.maxEvidenceBytes ?? DEFAULT_MAX_EVIDENCE_BYTES;
  return {
    /**
     * Stores results of a running run (a worker records as checks finish). Refused unless the run is running
     * ('run.not-running'; 'run.finished' once finished) and, with `workerId`, unless it is that worker's run.
     */
    async add(
      runId: string,
      results: readonly CheckResult[],
      by: Actor & { workerId?: string },
    ): Promise<StoredCheckResult[]> {
      const now = ctx.now();
      const rows = await ctx.db.transaction().execute(async (trx) => {
        const run = await lockRunningRun(trx, runId, by.workerId);
        return insertResults(trx, now, run, results, maxEvidenceBytes, by);
      });
      return rows.map(toResult);
    },

    /** Stores a run done elsewhere (`gangway run --server`), its results and final status in one transaction. */
    async upload(
      input: {
        onboardingId: string;
        stage: string;
        playbookVersionId?: string;
        environment?: string | null;
        status: FinalRunStatus;
        results: readonly CheckResult[];
      } & Actor,
    ): Promise<Run> {
      const now = ctx.now();
      const row = await ctx.db.transaction().execute(async (trx) => {
        const run = await insertRun(trx, now, { ...input, source: 'uploaded', status: 'running' });
        await insertResults(trx, now, run, input.results, maxEvidenceBytes, input);
        return finishRunIn(trx, now, run.id, input.status, input);
      });
      return toRun(row);
    },

    /** All results of one run, by check id. */
    async ofRun(runId: string): Promise<StoredCheckResult[]> {
      const rows = await ctx.db
        .selectFrom('check_results')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('check_id')
        .orderBy('id')
        .execute();
      return rows.map(toResult);
    },

    /** One result by row id. */
    async get(id: string): Promise<StoredCheckResult | undefined> {
      const row = await ctx.db
        .selectFrom('check_results')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toResult(row);
    },

    /** Results newest first, filtered, one page at a time. */
    /**
     * Which check kinds passed at least once, per playbook version and partner (the defect escape rate asks
     * whether onboarding had a check able to catch what production later broke).
     */
    async passedKinds(): Promise<{ playbookVersionId: string; partnerId: string; kind: string }[]> {
      return ctx.db
        .selectFrom('check_results as r')
        .innerJoin('runs as u', 'u.id', 'r.run_id')
        .select(['u.playbook_version_id as playbookVersionId', 'r.partner_id as partnerId', 'r.kind as kind'])
        .where('r.outcome', '=', 'passed')
        .distinct()
        .execute();
    },

    async list(filter: ResultFilter = {}): Promise<Page<StoredCheckResult>> {
      const limit = pageSize(filter.limit);
      const q = resultListQuery(ctx.db, filter, limit);
      const rows = await q.execute();
      const items = rows.slice(0, limit).map(toResult);
      const last = items.at(-1);
      return rows.length > limit && last
        ? { items, nextCursor: encodeCursor(last.createdAt, last.id) }
        : { items };
    },

    /** The evidence of one result, or undefined when it had none or retention removed it. */
    async evidence(resultId: string): Promise<Evidence | undefined> {
      const row = await ctx.db
        .selectFrom('evidence')
        .select(['body', 'truncated'])
        .where('result_id', '=', resultId)
        .executeTakeFirst();
      return row && unpackEvidence(row.body, Number(row.truncated) === 1);
    },

    /** Deletes evidence bodies older than `olderThanDays`, keeping the results (and their evidence sha). */
    async pruneEvidence(
      input: { olderThanDays: number } & Actor,
    ): Promise<{ deleted: number; before: string }> {
      return pruneOlderThan(
        ctx,
        {
          action: 'evidence.pruned',
          subject: 'evidence',
          remove: async (trx, before) =>
            (await trx.deleteFrom('evidence').where('created_at', '<', before).executeTakeFirst())
              .numDeletedRows,
        },
        input,
      );
    },
  };
}

export type ResultRepository = ReturnType<typeof resultRepository>;
