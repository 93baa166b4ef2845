// Check result rows: the stored shape, its mapping, and the insert shared by results.add, upload and runs.complete.
import type { CheckResult, Finding, Outcome, ThresholdResult } from '../core/result.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, parseJson, type StoreContext } from './context.js';
import { packEvidence } from './evidence.js';
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

/** A stored row as the API shape. */
export function toResult(row: CheckResultsTable): StoredCheckResult {
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

/** Inserts results (evidence bounded and compressed) and their audit event, inside `trx`. */
export async function insertResults(
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
