// 100k check results for scale tests and the API bench: runs and results generated as rows and inserted in
// bulk (the repositories' one-by-one writes with audit events would take minutes).
import type { Store } from '../../src/store/index.js';
import type { CheckResultsTable, RunsTable } from '../../src/store/schema.js';

export const BULK = {
  runs: 2000,
  perRun: 50,
  checks: ['contract', 'health', 'auth', 'load', 'tls'],
} as const;
const STATUSES = ['passed', 'failed', 'errored', 'interrupted'] as const;

/** Where each run goes: runs are dealt round-robin over these onboardings. */
export interface BulkTarget {
  onboardingId: string;
  partnerId: string;
  versionId: string;
}

/** Inserts BULK.runs runs × BULK.perRun results (one run a minute from t0) in one transaction; returns the run ids. */
export async function insertBulkResults(
  store: Store,
  targets: readonly BulkTarget[],
  options: { t0: number; prefix: string },
): Promise<string[]> {
  const runs: RunsTable[] = [];
  const results: CheckResultsTable[] = [];
  for (let r = 0; r < BULK.runs; r++) {
    const target = targets[r % targets.length]!;
    const at = new Date(options.t0 + r * 60_000).toISOString();
    const id = `run_${options.prefix}_${String(r).padStart(6, '0')}`;
    runs.push({
      id,
      onboarding_id: target.onboardingId,
      partner_id: target.partnerId,
      stage: r % 3 ? 'sandbox' : 'readiness',
      playbook_version_id: target.versionId,
      environment: 'sandbox',
      status: STATUSES[r % STATUSES.length]!,
      attempts: 1,
      worker_id: 'w',
      heartbeat_at: at,
      source: 'local',
      created_at: at,
      created_by: 'bench',
      started_at: at,
      finished_at: at,
      evidence_hash: null,
      event_seq: 0,
    });
    for (let c = 0; c < BULK.perRun; c++) {
      const kind = BULK.checks[c % BULK.checks.length]!;
      const checkId = `${kind}:${Math.floor(c / BULK.checks.length)}`;
      results.push({
        id: `res_${id}_${c}`,
        run_id: id,
        partner_id: target.partnerId,
        check_id: checkId,
        kind,
        title: checkId,
        required: 1,
        outcome: (r + c) % 7 ? 'passed' : 'failed',
        summary: 'ok',
        started_at: at,
        duration_ms: 10,
        findings: '[]',
        measurements: '{"latency.p95":120}',
        thresholds: '[]',
        error: null,
        evidence_sha: null,
        created_at: at,
      });
    }
  }
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < runs.length; i += 500)
      await trx
        .insertInto('runs')
        .values(runs.slice(i, i + 500))
        .execute();
    for (let i = 0; i < results.length; i += 1000)
      await trx
        .insertInto('check_results')
        .values(results.slice(i, i + 1000))
        .execute();
  });
  return runs.map((r) => r.id);
}
