import { InputError } from '../core/errors.js';
import type { CheckResult, Finding, Outcome, ThresholdResult } from '../core/result.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, parseJson, type StoreContext } from './context.js';
import { DEFAULT_MAX_EVIDENCE_BYTES, type Evidence, packEvidence, unpackEvidence } from './evidence.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import { type FinalRunStatus, finishRunIn, insertRun, type Run, toRun } from './runs.js';
import type { CheckResultsTable, EvidenceTable } from './schema.js';

/** A check result as stored: the CheckResult without its evidence, which is read separately. */
export interface StoredCheckResult {
  /** Row id (res_...). */
  id: string;
  runId: string;
  partnerId: string;
  /** The check's id within its stage (CheckResult.id). */
  checkId: string;
  kind: string;
  title: string;
  required: boolean;
  outcome: Outcome;
  summary: string;
  startedAt: string;
  durationMs: number;
  findings: Finding[];
  measurements: Record<string, number>;
  thresholds: ThresholdResult[];
  error?: { code: string; message: string };
  /** Hex sha256 of the stored evidence (kept after retention deletes the body); null when there was none. */
  evidenceSha: string | null;
  createdAt: string;
}

export interface ResultFilter {
  runId?: string;
  partnerId?: string;
  checkId?: string;
  outcome?: Outcome;
  limit?: number;
  cursor?: string;
}

function toResult(row: CheckResultsTable): StoredCheckResult {
  const out: StoredCheckResult = {
    id: row.id,
    runId: row.run_id,
    partnerId: row.partner_id,
    checkId: row.check_id,
    kind: row.kind,
    title: row.title,
    required: Number(row.required) === 1,
    outcome: row.outcome as Outcome,
    summary: row.summary,
    startedAt: row.started_at,
    durationMs: Number(row.duration_ms),
    findings: parseJson<Finding[]>(row.findings, []),
    measurements: parseJson<Record<string, number>>(row.measurements, {}),
    thresholds: parseJson<ThresholdResult[]>(row.thresholds, []),
    evidenceSha: row.evidence_sha,
    createdAt: row.created_at,
  };
  const error = parseJson<{ code: string; message: string } | null>(row.error, null);
  if (error) out.error = error;
  return out;
}

// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 400;

type Db = StoreContext['db'];

async function insertResults(
  trx: Db,
  at: Date,
  run: { id: string; partner_id: string },
  results: readonly CheckResult[],
  maxEvidenceBytes: number,
  by: Actor,
): Promise<CheckResultsTable[]> {
  const createdAt = at.toISOString();
  const rows: CheckResultsTable[] = [];
  const evidence: EvidenceTable[] = [];
  for (const r of results) {
    const hasEvidence = r.exchanges.length > 0 || r.samples.length > 0;
    const packed = hasEvidence ? packEvidence(r.exchanges, r.samples, maxEvidenceBytes) : undefined;
    const row: CheckResultsTable = {
      id: newId('res'),
      run_id: run.id,
      partner_id: run.partner_id,
      check_id: r.id,
      kind: r.kind,
      title: r.title,
      required: r.required ? 1 : 0,
      outcome: r.outcome,
      summary: r.summary,
      started_at: r.startedAt,
      duration_ms: Math.round(r.durationMs),
      findings: JSON.stringify(r.findings),
      measurements: JSON.stringify(r.measurements),
      thresholds: JSON.stringify(r.thresholds),
      error: r.error ? JSON.stringify(r.error) : null,
      evidence_sha: packed?.sha ?? null,
      created_at: createdAt,
    };
    rows.push(row);
    if (packed) {
      evidence.push({
        result_id: row.id,
        run_id: run.id,
        created_at: createdAt,
        raw_size: packed.rawSize,
        truncated: packed.truncated ? 1 : 0,
        body: packed.body,
      });
    }
  }
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto('check_results')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < evidence.length; i += CHUNK)
    await trx
      .insertInto('evidence')
      .values(evidence.slice(i, i + CHUNK))
      .execute();
  await appendAudit(trx, at, {
    actor: by.actor,
    action: 'run.results.stored',
    subject: run.id,
    payload: {
      results: rows.map((r) => ({
        id: r.id,
        checkId: r.check_id,
        outcome: r.outcome,
        evidenceSha: r.evidence_sha,
      })),
    },
  });
  return rows;
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
    /** Stores results of a run that is not finished yet (a worker records as checks finish). */
    async add(runId: string, results: readonly CheckResult[], by: Actor): Promise<StoredCheckResult[]> {
      const now = ctx.now();
      const rows = await ctx.db.transaction().execute(async (trx) => {
        const run = await trx
          .selectFrom('runs')
          .select(['id', 'partner_id', 'status'])
          .where('id', '=', runId)
          .executeTakeFirst();
        if (!run) throw new InputError('run.not-found', `no run ${runId}`);
        if (run.status !== 'queued' && run.status !== 'running') {
          throw new InputError('run.finished', `run ${runId} is already ${run.status}`);
        }
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
      if (!(input.olderThanDays >= 0))
        throw new InputError('retention.days', 'retention needs a number of days >= 0');
      const now = ctx.now();
      const before = new Date(now.getTime() - input.olderThanDays * 86_400_000).toISOString();
      return ctx.db.transaction().execute(async (trx) => {
        const res = await trx.deleteFrom('evidence').where('created_at', '<', before).executeTakeFirst();
        const deleted = Number(res.numDeletedRows);
        if (deleted > 0) {
          await appendAudit(trx, now, {
            actor: input.actor,
            action: 'evidence.pruned',
            subject: 'evidence',
            payload: { before, deleted, olderThanDays: input.olderThanDays },
          });
        }
        return { deleted, before };
      });
    },
  };
}

export type ResultRepository = ReturnType<typeof resultRepository>;
