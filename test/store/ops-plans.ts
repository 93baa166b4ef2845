// The operations listings are served by indexes: EXPLAIN each over bulk rows (thousands of incidents, changes,
// action runs, 30k samples) and fail on a full scan or a sort (planProblems, as the store suite does).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { changeListQuery } from '../../src/store/changes.js';
import { incidentListQuery, openIncidentQuery, similarIncidentQuery } from '../../src/store/incidents.js';
import { sampleListQuery } from '../../src/store/monitors.js';
import type { Database } from '../../src/store/schema.js';
import { T0 } from './fixtures.js';
import type { OpsContext } from './ops-cases.js';
import { planProblems } from './scale.js';

const N = 3000;
const pad = (i: number) => String(i).padStart(5, '0');
const at = (i: number) => new Date(T0 + i * 60_000).toISOString();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved'];

async function bulkSeed(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const insert = async <T extends keyof Database>(table: T, rows: Database[T][]) => {
      for (let i = 0; i < rows.length; i += 100)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + 100) as never)
          .execute();
    };
    await insert(
      'partners',
      range(20).map((i) => ({ id: `prt_${pad(i)}`, name: `P${i}`, created_at: at(0), created_by: 'b' })),
    );
    await insert(
      'incidents',
      range(N).map((i) => ({
        id: `inc_${pad(i)}`,
        onboarding_id: null,
        partner_id: `prt_${pad(i % 20)}`,
        playbook_version_id: null,
        environment: 'production',
        dedup_key: `key-${i}`,
        detector_id: 'slow',
        detector_kind: 'latency-spike',
        severity: `SEV${(i % 4) + 1}`,
        status: STATUSES[i % 4]!,
        title: 't',
        summary: 's',
        impact: null,
        components: '[]',
        signature: `sig-${i % 300}`,
        state: 'null',
        opened_at: at(i),
        acknowledged_at: null,
        first_attempt_at: null,
        mitigated_at: null,
        resolved_at: null,
        updated_at: at(i),
        version: 1,
        event_seq: 0,
        created_by: 'b',
      })),
    );
    await insert(
      'changes',
      range(N).map((i) => ({
        id: `chg_${pad(i)}`,
        at: at(i),
        kind: 'deploy',
        title: 't',
        description: null,
        partner_id: i % 3 === 0 ? null : `prt_${pad(i % 20)}`,
        environment: i % 2 === 0 ? 'production' : 'sandbox',
        ref: null,
        actor: 'ci',
        created_at: at(i),
      })),
    );
    await insert(
      'monitor_samples',
      range(10 * N).map((i) => ({
        id: `smp_${pad(i)}`,
        onboarding_id: `onb_${i % 100}`,
        monitor_id: 'api-health',
        environment: 'production',
        at: at(i),
        outcome: 'passed',
        duration_ms: 10,
        measurements: '{}',
        findings: '[]',
        error: null,
      })),
    );
  });
}

/** The EXPLAIN case of the operations suite. */
export function opsPlanCase(ctx: OpsContext): void {
  test('operations listings are served by indexes, without sorting', { timeout: 120_000 }, async () => {
    const { store } = await ctx.track();
    await bulkSeed(store.db);
    if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
    const db = store.db;
    const cursor = Buffer.from(JSON.stringify([at(2000), 'inc_02000'])).toString('base64url');
    // A filter that selects a hundred rows or so of the seed: PostgreSQL may prefer a bitmap scan and a sort of
    // them (it does); SQLite must still read them in index order.
    const few = { allowSort: store.dialect === 'postgres' };
    const plans = await Promise.all([
      planProblems(store, 'incidents', incidentListQuery(db, { cursor }, 50).compile(), { unfiltered: true }),
      planProblems(
        store,
        'incidents by status',
        incidentListQuery(db, { status: 'acknowledged' }, 50).compile(),
      ),
      planProblems(store, 'incidents by severity', incidentListQuery(db, { severity: 'SEV1' }, 50).compile()),
      planProblems(
        store,
        'incidents of a partner',
        incidentListQuery(db, { partnerId: 'prt_00007' }, 50).compile(),
        few,
      ),
      planProblems(
        store,
        'incidents of an onboarding',
        incidentListQuery(db, { onboardingId: 'onb_1' }, 50).compile(),
      ),
      planProblems(store, 'open incident by key', openIncidentQuery(db, 'key-17').compile()),
      planProblems(
        store,
        'similar incidents',
        similarIncidentQuery(db, 'sig-7', 10, 'inc_00007').compile(),
        few,
      ),
      planProblems(store, 'changes', changeListQuery(db, { cursor }, 50).compile(), { unfiltered: true }),
      planProblems(
        store,
        'changes of a partner',
        changeListQuery(db, { partnerId: 'prt_00003' }, 50).compile(),
        few,
      ),
      planProblems(
        store,
        'changes of an environment',
        changeListQuery(db, { environment: 'production', since: at(100) }, 50).compile(),
      ),
      planProblems(
        store,
        'samples of a monitor',
        sampleListQuery(
          db,
          { onboardingId: 'onb_7', monitorId: 'api-health', since: at(100) },
          100,
        ).compile(),
      ),
    ]);
    assert.deepEqual(plans.flat(), [], 'operations listings must be served by an index, without sorting');
  });
}
