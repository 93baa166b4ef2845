import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.js';
import { tuning } from './service-tuning.js';

test('tuning flags become runtime options; bad values name their flag', () => {
  assert.deepEqual(tuning({}), { config: {}, retention: {} });
  assert.deepEqual(
    tuning({
      staleRun: '20s',
      jobLease: '10s',
      evidenceRetention: '30',
      eventRetention: '0',
      sampleRetention: '7',
      freshness: '2d',
      opsConcurrency: '64',
    }),
    {
      opsConcurrency: 64,
      config: { staleRunMs: 20_000, defaultFreshnessMs: 172_800_000 },
      jobLeaseMs: 10_000,
      retention: { evidenceDays: 30, runEventsDays: 0, samplesDays: 7 },
    },
  );
  assert.throws(
    () => tuning({ staleRun: '5' }),
    (e: unknown) => e instanceof InputError && /--stale-run/.test(e.message),
  );
  assert.throws(() => tuning({ jobLease: 'soon' }), /--job-lease/);
  assert.throws(() => tuning({ evidenceRetention: '-1' }), /--evidence-retention/);
  assert.throws(() => tuning({ sampleRetention: 'month' }), /--sample-retention/);
  assert.throws(() => tuning({ opsConcurrency: '0' }), /--ops-concurrency/);
  assert.throws(() => tuning({ opsConcurrency: '2.5' }), /--ops-concurrency/);
});
