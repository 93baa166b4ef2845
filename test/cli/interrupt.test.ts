// Ctrl-C on the real binary: the run stops, the report of what was done is still written, exit 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunReport } from '../../src/runner/events.js';
import { repoRoot, tempDir } from './helpers.js';

const BIN = join(repoRoot, 'bin', 'gangway.js');
const BUILT = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));

const SPEC = `openapi: 3.1.0
info: { title: Slow, version: 1.0.0 }
paths:
  /fast: { get: { operationId: getFast, responses: { '200': { description: ok } } } }
  /slow: { get: { operationId: getSlow, responses: { '200': { description: ok } } } }
`;

test('Ctrl-C writes the partial report and exits 1', {
  skip: BUILT ? false : 'dist/cli/main.js is missing: run `npm run build` first',
}, async () => {
  let slowSeen: () => void = () => {};
  const slowReached = new Promise<void>((r) => {
    slowSeen = r;
  });
  const pending: (() => void)[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/slow') {
      slowSeen();
      pending.push(() => res.writeHead(200).end());
      return;
    }
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = tempDir();
  writeFileSync(join(dir, 'slow.yaml'), SPEC);
  try {
    const child = spawn(
      process.execPath,
      [BIN, 'contract', join(dir, 'slow.yaml'), '--base-url', url, '--report', `json=${join(dir, 'r.json')}`],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += String(c);
    });
    await slowReached;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 1, err);
    assert.match(err, /Interrupted/);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    assert.equal(report.interrupted, true);
    assert.equal(report.outcome, 'cancelled');
    assert.equal(report.checks[0]?.error?.code, 'check.interrupted');
  } finally {
    for (const answer of pending) answer();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
