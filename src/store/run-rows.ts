// Run rows: the Run type, its mapping, and the statements shared by the run, result and completion code.
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { type Actor, newId, type StoreContext } from './context.js';
import { decodeCursor } from './page.js';
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
    event_seq: 0,
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

/**
 * Locks a running run for a write by its worker, inside `trx`: the no-op UPDATE takes the row lock on PostgreSQL
 * (SQLite's write transaction already excludes every other writer), so a takeover cannot commit in between and
 * a stale worker cannot write after one. Refusals: see `runRefusal`.
 */
export async function lockRunningRun(
  trx: Db,
  runId: string,
  workerId: string | undefined,
): Promise<{ id: string; partner_id: string }> {
  let q = trx
    .updateTable('runs')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', runId)
    .where('status', '=', 'running');
  if (workerId !== undefined) q = q.where('worker_id', '=', workerId);
  const row = await q.returning(['id', 'partner_id']).executeTakeFirst();
  if (row) return row;
  const current = await trx
    .selectFrom('runs')
    .select(['status', 'worker_id'])
    .where('id', '=', runId)
    .executeTakeFirst();
  throw runRefusal(runId, current, workerId);
}

/**
 * Why a run cannot take a worker's write: 'run.not-found'; 'run.not-owner' when the worker named is not the
 * run's (another worker took it over, or it was marked interrupted); 'run.finished'; 'run.not-running'.
 */
function runRefusal(
  runId: string,
  current: { status: string; worker_id: string | null } | undefined,
  workerId: string | undefined,
): InputError {
  if (!current) return new InputError('run.not-found', `no run ${runId}`);
  const { status } = current;
  const finished = status === 'passed' || status === 'failed' || status === 'errored';
  if (workerId !== undefined && status !== 'queued') {
    if (current.worker_id !== workerId) {
      return new InputError('run.not-owner', `run ${runId} is no longer this worker's: it was taken over`);
    }
    if (status === 'interrupted') {
      return new InputError(
        'run.not-owner',
        `run ${runId} was marked interrupted (its heartbeat went stale): this attempt may not write`,
      );
    }
  }
  if (finished) return new InputError('run.finished', `run ${runId} is already ${status}`);
  return new InputError('run.not-running', `run ${runId} is ${status}, not running`);
}
