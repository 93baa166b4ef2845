// The load engine's own connections through the address guard's policy (in this thread and in workers).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { TargetError } from '../../src/core/errors.js';
import { httpStep } from '../../src/load/http-step.js';
import { type HttpStepSpec, type LoadPlan, runLoad } from '../../src/load/index.js';
import { type LoadServer, loadServer } from './server.js';

const servers: LoadServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const plan = (workers = 1): LoadPlan => ({
  timeoutMs: 5_000,
  thresholds: [],
  abortOnFail: false,
  workers,
  maxRequests: 20,
  model: { type: 'closed', vus: 2, thinkTimeMs: 0 },
});

async function setup(): Promise<{ s: LoadServer; port: string }> {
  const s = await loadServer({});
  servers.push(s);
  return { s, port: new URL(s.url).port };
}

function step(origin: string, extra: Partial<HttpStepSpec> = {}): HttpStepSpec {
  return { origin, method: 'GET', path: '/', headers: {}, timeoutMs: 5_000, ...extra };
}

describe('load engine with an address policy', () => {
  test('a refused origin fails before any request (literal and name)', async () => {
    const { s, port } = await setup();
    for (const origin of [s.url, `http://localhost:${port}`]) {
      await assert.rejects(runLoad(plan(), step(origin, { addressPolicy: {} })), (e) => {
        assert.ok(e instanceof TargetError);
        assert.equal(e.code, 'ssrf.blocked');
        return true;
      });
    }
    assert.equal(s.count(), 0);
  });

  test('every connection of the step goes through the guard: refused ones count as "blocked"', async () => {
    const { s, port } = await setup();
    const raw = httpStep(step(`http://localhost:${port}`, { addressPolicy: {} }));
    try {
      const outcome = await new Promise<{ ok: boolean; errorClass?: string }>((resolve) =>
        raw.start(0, (ok, _status, errorClass) => resolve({ ok, ...(errorClass && { errorClass }) }), -1),
      );
      assert.deepEqual(outcome, { ok: false, errorClass: 'blocked' });
    } finally {
      await raw.close();
    }
    assert.equal(s.count(), 0);
  });

  test('an allowed origin runs, in this thread and in worker threads', async () => {
    const { s, port } = await setup();
    const allowed = { addressPolicy: { allowPrivate: ['127.0.0.0/8', '::1'] } };
    const here = await runLoad(plan(), step(`http://localhost:${port}`, allowed));
    assert.equal(here.requests, 20);
    assert.deepEqual(here.errors, {});
    const workers = await runLoad(plan(2), step(`http://localhost:${port}`, allowed));
    assert.equal(workers.requests, 20);
    assert.deepEqual(workers.errors, {});
    assert.equal(s.count(), 40);
  });
});
