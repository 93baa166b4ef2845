// The job queue contract on the embedded implementation (SQLite file in a temp dir).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeJobQueueContract } from './contract.js';

describeJobQueueContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-jobs-'));
  return {
    config: { kind: 'sqlite', file: join(dir, 'jobs.db') },
    toleranceMs: 150,
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
