// `gangway proxy` end to end: start, one faulted request, the control API, SIGINT by PID, summary, exit code.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { control, request, startUpstream } from './helpers.js';

const ENTRY = join(import.meta.dirname, 'cli-entry.ts');
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'proxy', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += String(c);
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += String(c);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${out} ${err}`)), 20_000);
    child.stdout!.on('data', () => {
      if (out.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { child, ready, exited, out: () => out, err: () => err };
}

test('gangway proxy: a faulted request, a fault added over the control API, Ctrl-C prints a summary', async () => {
  const up = await startUpstream();
  try {
    const p = start(['--upstream', up.url, '--fault', 'status=503,first=1,id=once']);
    await p.ready;
    const proxyUrl = /proxy: +(\S+)/.exec(p.out())?.[1];
    const controlUrl = /control: +(\S+)/.exec(p.out())?.[1];
    assert.ok(proxyUrl && controlUrl, p.out() + p.err());
    assert.match(p.out(), /once status/);
    const first = await request(`${proxyUrl}/a`);
    assert.equal(first.status, 503);
    assert.equal(first.headers?.['retry-after'], '1');
    assert.equal((await request(`${proxyUrl}/a`)).status, 200);
    const added = await control(controlUrl, 'POST', '/faults', { type: 'status', status: 429, id: 'limit' });
    assert.equal(added.status, 201);
    assert.equal((await request(`${proxyUrl}/a`)).status, 429);
    process.kill(p.child.pid!, 'SIGINT');
    assert.equal(await p.exited, 0, p.err());
    assert.match(p.out(), /Summary: 3 request\(s\), 2 faulted/);
    assert.match(p.out(), /fault limit \(status\): matched 1, applied 1/);
  } finally {
    await up.close();
  }
});

test('gangway proxy: an invalid fault is exit 2 with the problem named', async () => {
  const p = start(['--upstream', 'http://127.0.0.1:9', '--fault', 'status=200']);
  assert.equal(await p.exited, 2);
  assert.match(p.err(), /\/status/);
});
