// The real `gangway` binary (bin/gangway.js over dist/): exit codes reach the shell and users never see a
// stack trace. Needs `npm run build` first; skipped with a message when dist/ is missing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { INVENTORY_BASE_PATH, INVENTORY_SPEC, startInventory } from '../fixtures/apis/inventory.js';
import { repoRoot, tempDir } from './helpers.js';

const BIN = join(repoRoot, 'bin', 'gangway.js');
const BUILT = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(node:.+\))$/m;

/** Runs the binary asynchronously (the test's own servers must keep answering meanwhile). */
function gangway(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, out: stdout, err: stderr });
      },
    );
  });
}

test('bin/gangway.js: exit codes 0, 1, 2 and no stack traces', {
  skip: BUILT ? false : 'dist/cli/main.js is missing: run `npm run build` first',
}, async () => {
  const version = await gangway(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+/);

  const invalid = await gangway(['lint', 'test/fixtures/playbooks/cli-line17.yaml']);
  assert.equal(invalid.code, 2);
  assert.match(invalid.err, /cli-line17\.yaml:17:\d+:/);

  const missing = await gangway(['run', 'test/fixtures/playbooks/nope.yaml', '--stage', 'sandbox']);
  assert.equal(missing.code, 2);

  const badFlag = await gangway(['contract', INVENTORY_SPEC, '--base-url', 'ftp://127.0.0.1:1']);
  assert.equal(badFlag.code, 2, badFlag.err);

  const results = [version, invalid, missing, badFlag];
  for (const defects of [false, true]) {
    const server = await startInventory({ defects });
    try {
      const report = join(tempDir(), 'r.json');
      const run = await gangway([
        'contract',
        INVENTORY_SPEC,
        '--base-url',
        server.url + INVENTORY_BASE_PATH,
        '--report',
        `json=${report}`,
      ]);
      assert.equal(run.code, defects ? 1 : 0, run.out + run.err);
      assert.ok(existsSync(report));
      assert.ok(server.requests.length > 0);
      results.push(run);
    } finally {
      await server.close();
    }
  }
  for (const r of results) {
    assert.doesNotMatch(r.err, STACK_FRAME, r.err);
    assert.doesNotMatch(r.out, STACK_FRAME, r.out);
    assert.doesNotMatch(r.err, /internal error/);
  }
});
