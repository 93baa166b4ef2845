import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { type Actor, newId, type StoreContext } from './context.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import type { RunsTable } from './schema.js';

export const RUN_STATUSES = ['queued', 'running', 'passed', 'failed', 'errored', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type FinalRunStatus = Exclude<RunStatus, 'queued' | 'running'>;
export type RunSource = 'local' | 'uploaded';

export interface Run {
  id: string;
  onboardingId: string;
  partnerId: string;
  stage: string;
  playbookVersionId: string;
  /** Environment the stage ran against (metrics count "sandbox" runs for time to first success). */
  environment: string | null;
  status: RunStatus;
  attempts: number;
  workerId: string | null;
  heartbeatAt: string | null;
  source: RunSource;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Hash over the run's stored results and evidence, set when it finishes; sign-offs name it. */
  evidenceHash: string | null;
}

export interface RunFilter {
  partnerId?: string;
  onboardingId?: string;
  stage?: string;
  status?: RunStatus;
  limit?: number;
  cursor?: string;
}

export function toRun(row: RunsTable): Run {
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    partnerId: row.partner_id,
    stage: row.stage,
    playbookVersionId: row.playbook_version_id,
    environment: row.environment,
    status: row.status as RunStatus,
    attempts: Number(row.attempts),
    workerId: row.worker_id,
    heartbeatAt: row.heartbeat_at,
    source: row.source as RunSource,
    createdAt: row.created_at,
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    evidenceHash: row.evidence_hash,
  };
}

type Db = StoreContext['db'];

/** The run's evidence hash: over every stored result (outcome, findings, measurements, evidence sha). */
export async function computeEvidenceHash(db: Db, runId: string): Promise<string> {
  const rows = await db
    .selectFrom('check_results')
    .select([
      'check_id',
      'outcome',
      'summary',
      'findings',
      'measurements',
      'thresholds',
      'error',
      'evidence_sha',
    ])
    .where('run_id', '=', runId)
    .orderBy('check_id')
    .orderBy('id')
    .execute();
  return sha256Hex(canonicalJson(rows));
}

/** Inserts a run row for an onboarding (checked to exist) inside `trx`. */
export async function insertRun(
  trx: Db,
  at: Date,
  input: {
    onboardingId: string;
    stage: string;
    playbookVersionId?: string;
    environment?: string | null;
    source: RunSource;
    status: RunStatus;
  } & Actor,
): Promise<RunsTable> {
  const onboarding = await trx
    .selectFrom('onboardings')
    .select(['partner_id', 'playbook_version_id'])
    .where('id', '=', input.onboardingId)
    .executeTakeFirst();
  if (!onboarding) throw new InputError('onboarding.not-found', `no onboarding ${input.onboardingId}`);
  const versionId = input.playbookVersionId ?? onboarding.playbook_version_id;
  const version = await trx
    .selectFrom('playbook_versions')
    .select('id')
    .where('id', '=', versionId)
    .executeTakeFirst();
  if (!version) throw new InputError('playbook.not-found', `no playbook version ${versionId}`);
  const row: RunsTable = {
    id: newId('run'),
    onboarding_id: input.onboardingId,
    partner_id: onboarding.partner_id,
    stage: input.stage,
    playbook_version_id: versionId,
    environment: input.environment ?? null,
    status: input.status,
    attempts: 0,
    worker_id: null,
    heartbeat_at: null,
    source: input.source,
    created_at: at.toISOString(),
    created_by: input.actor,
    started_at: null,
    finished_at: null,
    evidence_hash: null,
  };
  await trx.insertInto('runs').values(row).execute();
  await appendAudit(trx, at, {
    actor: input.actor,
    action: 'run.created',
    subject: row.id,
    payload: {
      onboardingId: row.onboarding_id,
      stage: row.stage,
      playbookVersionId: row.playbook_version_id,
      environment: row.environment,
      source: row.source,
    },
  });
  return row;
}

/** Marks a run finished with its final status and evidence hash, inside `trx`. */
export async function finishRunIn(
  trx: Db,
  at: Date,
  id: string,
  status: FinalRunStatus,
  by: Actor,
): Promise<RunsTable> {
  const evidenceHash = await computeEvidenceHash(trx, id);
  const row = await trx
    .updateTable('runs')
    .set({ status, finished_at: at.toISOString(), evidence_hash: evidenceHash })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const current = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
    if (!current) throw new InputError('run.not-found', `no run ${id}`);
    throw new InputError('run.finished', `run ${id} is already ${current.status}`);
  }
  await appendAudit(trx, at, {
    actor: by.actor,
    action: 'run.finished',
    subject: id,
    payload: { status, evidenceHash },
  });
  return row;
}

/** The query behind runs.list (exported so tests can EXPLAIN it): newest first, one more row than the page. */
export function runListQuery(db: Db, filter: RunFilter, limit: number) {
  let q = db.selectFrom('runs').selectAll();
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.onboardingId !== undefined) q = q.where('onboarding_id', '=', filter.onboardingId);
  if (filter.stage !== undefined) q = q.where('stage', '=', filter.stage);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(at, id)));
  }
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

/** Run lifecycle: queued → running (attempts, worker, heartbeat) → passed/failed/errored/interrupted. */
export function runRepository(ctx: StoreContext) {
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

    /** A worker takes a queued (or interrupted, to retry) run: running, attempts + 1. Undefined if not takeable. */
    async start(id: string, input: { workerId: string } & Actor): Promise<Run | undefined> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
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

    /** Marks running runs whose heartbeat is older than `staleMs` as interrupted (their worker died). */
    async interruptStale(input: { staleMs: number } & Actor): Promise<Run[]> {
      const now = ctx.now();
      const before = new Date(now.getTime() - input.staleMs).toISOString();
      return ctx.db.transaction().execute(async (trx) => {
        const rows = await trx
          .updateTable('runs')
          .set({ status: 'interrupted' })
          .where('status', '=', 'running')
          .where('heartbeat_at', '<', before)
          .returningAll()
          .execute();
        for (const row of rows) {
          await appendAudit(trx, now, {
            actor: input.actor,
            action: 'run.interrupted',
            subject: row.id,
            payload: {
              workerId: row.worker_id,
              heartbeatAt: row.heartbeat_at,
              attempts: Number(row.attempts),
            },
          });
        }
        return rows.map(toRun);
      });
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
  };
}

export type RunRepository = ReturnType<typeof runRepository>;
