import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as slim from '../../src/http/undici.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// src/http/undici.ts loads undici's parts from their files; an upgrade that moves one must fail here.
test('the parts loaded from their own files are undici’s own exports', async () => {
  const undici = await import('undici');
  assert.equal(slim.Agent, undici.Agent);
  assert.equal(slim.Client, undici.Client);
  assert.equal(slim.Pool, undici.Pool);
  assert.equal(slim.buildConnector, undici.buildConnector);
  assert.equal(slim.getGlobalDispatcher, undici.getGlobalDispatcher);
});

test('the contract and notification modules load without undici’s index, and dispatchers still have request()', () => {
  // A process of its own: this one has loaded the index above.
  const probe = `
    await import('./src/cli/commands/contract.ts');
    await import('./src/notify/http.ts');
    const { Agent } = await import('./src/http/undici.ts');
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    console.log(JSON.stringify({
      index: Object.keys(cache).some((file) => /undici[\\\\/]index\\.js$/.test(file)),
      agent: Object.keys(cache).some((file) => /undici[\\\\/]lib[\\\\/]dispatcher[\\\\/]agent\\.js$/.test(file)),
      request: typeof new Agent().request,
    }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), { index: false, agent: true, request: 'function' });
});
