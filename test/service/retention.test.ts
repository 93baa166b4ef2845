// The hourly retention sweep on a real SQLite store: old evidence, run events, monitor samples and roll-ups go,
// recent ones and the roll-ups of pruned samples stay, every deletion is audited, the next sweep is queued.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MonitorSample } from '../../src/core/ops/types.js';
import { DEFAULT_RETENTION, RETENTION_JOB, retentionHandler } from '../../src/service/retention.js';
import { openStore } from '../../src/store/index.js';

const DAY = 86_400_000;

test('the sweep prunes monitor samples past their retention and keeps their hourly roll-ups', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gangway-retention-'));
  const store = await openStore({ dataDir: dir });
  try {
    const now = Date.now();
    const sample = (at: number): MonitorSample => ({
      monitorId: 'api-health',
      environment: 'live',
      at,
      outcome: 'passed',
      durationMs: 20,
      measurements: {},
      findings: [],
    });
    await store.monitors.record(
      [now - 40 * DAY, now - 31 * DAY, now - 2 * DAY, now - 60_000].map((at) => ({
        onboardingId: 'onb_1',
        sample: sample(at),
      })),
    );
    const added: { name: string; runAt?: Date }[] = [];
    const handler = retentionHandler(
      store,
      {
        add: async (name, _payload, options) => {
          added.push({ name, runAt: options?.runAt });
          return {} as never;
        },
      },
      DEFAULT_RETENTION,
    );
    await handler({
      id: '1',
      name: RETENTION_JOB,
      payload: {},
      attempt: 1,
      maxAttempts: 3,
      signal: new AbortController().signal,
    });
    const kept = await store.monitors.samples({ onboardingId: 'onb_1', monitorId: 'api-health' });
    assert.deepEqual(
      kept.map((s) => Math.round((now - s.at) / DAY)),
      [0, 2],
      'samples older than 30 days are gone',
    );
    const rollups = await store.monitors.rollups({ onboardingId: 'onb_1', monitorId: 'api-health' });
    assert.equal(
      rollups.reduce((n, r) => n + r.count, 0),
      4,
      'roll-ups (400 days) still count every sample',
    );
    const audit = await store.audit.list();
    assert.ok(
      audit.some((e) => e.action === 'monitor-samples.pruned'),
      'the deletion is audited',
    );
    assert.equal(added[0]?.name, RETENTION_JOB);
    assert.ok((added[0]?.runAt?.getTime() ?? 0) > now, 'the next sweep is queued');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
