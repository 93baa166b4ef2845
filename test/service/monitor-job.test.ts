// The monitor job's own rules, on a real SQLite store with a scripted executor: it repeats at the next due
// time, caches detector states (and recovers from a stale cache without losing or duplicating a sample),
// stops when monitoring is switched off, and keeps the schedule when the store fails.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MonitorSample } from '../../src/core/ops/types.js';
import type { JobHandler, JobOutcome } from '../../src/jobs/index.js';
import type { MonitorExecutor } from '../../src/service/ops/monitor-exec.js';
import { MONITOR_JOB, monitorHandler, ONBOARDING_TTL_MS } from '../../src/service/ops/monitor-job.js';
import { PlaybookVersions } from '../../src/service/playbooks.js';
import { openStore, type Store } from '../../src/store/index.js';

const PLAYBOOK = `playbook: monitor-job
version: 1.0.0
environments:
  live: { baseUrl: "http://127.0.0.1:9" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
  - { id: m1, check: health, environment: live, every: 10s, jitter: 0ms }
detectors:
  - { kind: availability, severity: SEV2, failures: 2, window: 5m }
`;

describe('monitor job', () => {
  let dir: string;
  let store: Store;
  let versions: PlaybookVersions;
  let onboardingId: string;
  let clock = Date.parse('2026-11-22T10:00:00Z');
  let outcome: MonitorSample['outcome'] = 'passed';
  const errors: unknown[] = [];
  let handler: JobHandler;
  const executor = {
    async execute(): Promise<MonitorSample> {
      return {
        monitorId: 'm1',
        environment: 'live',
        at: clock,
        outcome,
        durationMs: 12,
        measurements: {},
        findings: [],
      };
    },
  } as unknown as MonitorExecutor;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gangway-monitor-job-'));
    store = await openStore({ dataDir: dir, now: () => new Date(clock) });
    versions = new PlaybookVersions(store);
    const { version } = await store.playbooks.put({
      name: 'monitor-job',
      playbookText: PLAYBOOK,
      actor: 'test',
    });
    const partner = await store.partners.create({ name: 'Acme', actor: 'test' });
    const onboarding = await store.onboardings.create({
      partnerId: partner.id,
      playbookVersionId: version.id,
      stage: 'live',
      actor: 'test',
    });
    onboardingId = onboarding.id;
    await store.monitoring.set(onboardingId, true, { actor: 'test' });
    handler = monitorHandler({
      store,
      versions,
      executor,
      now: () => clock,
      random: () => 0,
      jobs: { add: async () => undefined as never, remove: async () => true },
      onError: (error) => errors.push(error),
    });
  });
  after(async () => {
    await versions.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (due = clock): Promise<JobOutcome | undefined> =>
    (await handler({
      id: '1',
      name: MONITOR_JOB,
      payload: { onboardingId, monitorId: 'm1', due },
      attempt: 1,
      maxAttempts: 25,
      signal: new AbortController().signal,
    })) ?? undefined;

  test('each execution is stored and repeats at the next due time', async () => {
    const result = await run(clock - 50);
    assert.deepEqual(result?.repeat?.payload, { onboardingId, monitorId: 'm1', due: clock - 50 + 10_000 });
    assert.equal(result?.repeat?.runAt.getTime(), clock - 50 + 10_000);
    const state = await store.monitors.state(onboardingId, 'm1');
    assert.equal(state?.version, 1);
    assert.equal((await store.monitors.samples({ onboardingId, monitorId: 'm1' })).length, 1);
  });

  test('a state written by someone else meanwhile is read again: the sample counts once, the failure streak holds', async () => {
    // Another writer (a re-run on another worker) stored a failed execution: version 2, one failure in its state.
    outcome = 'failed';
    clock += 1_000;
    const other = await store.monitors.state(onboardingId, 'm1');
    const otherHandler = monitorHandler({
      store,
      versions,
      executor,
      now: () => clock,
      random: () => 0,
      jobs: { add: async () => undefined as never, remove: async () => true },
    });
    await otherHandler({
      id: '2',
      name: MONITOR_JOB,
      payload: { onboardingId, monitorId: 'm1', due: clock },
      attempt: 1,
      maxAttempts: 25,
      signal: new AbortController().signal,
    });
    assert.equal((await store.monitors.state(onboardingId, 'm1'))?.version, (other?.version ?? 0) + 1);
    // Our cache still says version 1: the write is refused, the state read again, the sample re-applied. Two
    // failures in a row open the availability incident.
    clock += 1_000;
    await run();
    assert.equal((await store.monitors.state(onboardingId, 'm1'))?.version, 3);
    assert.equal(
      (await store.monitors.samples({ onboardingId, monitorId: 'm1' })).length,
      3,
      'no sample twice',
    );
    const incidents = await store.incidents.list({});
    assert.equal(incidents.items.length, 1, 'the second failure of the streak triggered');
    assert.equal(incidents.items[0]?.detectorKind, 'availability');
  });

  test('monitoring switched off stops the monitor once the cached switch expires', async () => {
    await store.monitoring.set(onboardingId, false, { actor: 'test' });
    clock += ONBOARDING_TTL_MS + 1;
    assert.equal(await run(), undefined, 'no repeat: the monitor stops');
    await store.monitoring.set(onboardingId, true, { actor: 'test' });
    clock += ONBOARDING_TTL_MS + 1;
    assert.ok((await run())?.repeat, 'back on: it repeats again');
  });

  test('a store failure loses the sample, not the schedule', async () => {
    const broken = monitorHandler({
      store: {
        ...store,
        monitors: {
          ...store.monitors,
          record: async () => {
            throw new Error('disk full');
          },
        },
      },
      versions,
      executor,
      now: () => clock,
      random: () => 0,
      jobs: { add: async () => undefined as never, remove: async () => true },
      onError: (error) => errors.push(error),
    });
    const result = await broken({
      id: '3',
      name: MONITOR_JOB,
      payload: { onboardingId, monitorId: 'm1', due: clock },
      attempt: 1,
      maxAttempts: 25,
      signal: new AbortController().signal,
    });
    assert.ok(result?.repeat, 'still repeats');
    assert.match(String(errors.at(-1)), /disk full/);
  });
});
