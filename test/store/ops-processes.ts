// Real concurrency between processes (one connection each on SQLite, a pool each on PostgreSQL): opens of the
// same dedup keys and roll-up upserts of the same hour, from three processes at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChild } from './child.js';
import type { OpsContext } from './ops-cases.js';

const PROCESSES = 3;
const ROUNDS = 10;
const KEYS = 5;
const PER_ROUND = 50;
const START = Date.parse('2026-01-05T09:00:00.000Z');

/** The multi-process case of the operations suite. */
export function opsProcessCase(ctx: OpsContext): void {
  test('three processes opening the same keys make one incident each and lose no roll-up counts', {
    timeout: 120_000,
  }, async () => {
    const { store, options } = await ctx.track();
    await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        runChild([JSON.stringify(options), ...[ROUNDS, KEYS, PER_ROUND, START].map(String)], 'ops-child.ts'),
      ),
    );
    const open = await store.incidents.list({ status: 'triggered', limit: 100 });
    assert.deepEqual(
      open.items.map((i) => i.dedupKey).sort(),
      Array.from({ length: KEYS }, (_, i) => `race-${i}`),
    );
    const opened = (await store.audit.list({ limit: 1000 })).filter((e) => e.action === 'incident.opened');
    assert.equal(opened.length, KEYS);
    const [hour] = await store.monitors.rollups({ onboardingId: 'onb_race', monitorId: 'm', since: START });
    assert.equal(hour?.count, PROCESSES * ROUNDS * PER_ROUND);
    assert.equal((await store.audit.verify()).ok, true);
  });
}
