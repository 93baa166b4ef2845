import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { parseThreshold } from '../../src/core/threshold.js';
import { type HttpStepSpec, type LoadPlan, runLoad, validatePlan } from '../../src/load/index.js';
import { type LoadServer, loadServer } from './server.js';

const servers: LoadServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(options: Parameters<typeof loadServer>[0] = {}): Promise<LoadServer> {
  const s = await loadServer(options);
  servers.push(s);
  return s;
}

function stepFor(s: LoadServer, extra: Partial<HttpStepSpec> = {}): HttpStepSpec {
  return { origin: s.url, method: 'GET', path: '/', headers: {}, timeoutMs: 5_000, ...extra };
}

function plan(p: Partial<LoadPlan> & Pick<LoadPlan, 'model'>): LoadPlan {
  return { timeoutMs: 5_000, thresholds: [], abortOnFail: false, workers: 1, ...p };
}

const rate = (r: number, durationMs: number): LoadPlan['model'] => ({
  type: 'open',
  startRate: r,
  stages: [{ durationMs, target: r }],
});

describe('load engine', () => {
  test('an open model achieves its constant rate within 10%', async () => {
    const s = await server();
    const result = await runLoad(plan({ model: rate(100, 1500), durationMs: 1500 }), stepFor(s));
    assert.ok(result.requests >= 135 && result.requests <= 152, `requests ${result.requests}`);
    assert.ok(Math.abs(result.rps - 100) < 10, `rps ${result.rps}`);
    assert.deepEqual(result.errors, {});
    assert.equal(s.count(), result.requests);
    // One point per second, adding up to the whole.
    assert.ok(result.series.length >= 2);
    assert.equal(
      result.series.reduce((a, p) => a + p.requests, 0),
      result.requests,
    );
  });

  test('a ramping rate sends the area under the ramp', async () => {
    const s = await server();
    const model: LoadPlan['model'] = {
      type: 'open',
      startRate: 0,
      stages: [{ durationMs: 2000, target: 100 }],
    };
    const result = await runLoad(plan({ model, durationMs: 2000 }), stepFor(s));
    // The area under the ramp: 100 in all, 25 in the first second and 75 in the second.
    assert.ok(result.requests >= 97 && result.requests <= 101, `requests ${result.requests}`);
    const [first, second] = result.series;
    assert.ok(
      Math.abs(first!.requests - 25) <= 3 && Math.abs(second!.requests - 75) <= 4,
      JSON.stringify(result.series),
    );
  });

  test('the closed model paces each virtual user by its think time', async () => {
    const s = await server();
    const result = await runLoad(
      plan({ model: { type: 'closed', vus: 4, thinkTimeMs: 100 }, durationMs: 1000 }),
      stepFor(s),
    );
    // 4 users × (1000 ms / (100 ms think + ~1 ms)) ≈ 40 (each user's first request is at 0).
    assert.ok(result.requests >= 28 && result.requests <= 44, `requests ${result.requests}`);
    assert.equal(result.detail.model, 'closed');
  });

  test('a one-off 800 ms stall shows in the open model p99 (latency from the intended send time)', async () => {
    // The server answers request 20 after 800 ms; with one connection everything behind it waits too.
    const stall = () => server({ delayMs: (n) => (n === 20 ? 800 : 0) });
    const open = await runLoad(
      plan({ model: rate(50, 2000), durationMs: 2000 }),
      stepFor(await stall(), { connections: 1 }),
    );
    assert.ok(open.latency.max >= 750, `max ${open.latency.max}`);
    // About 40 arrivals were due during the stall: far more than 1% of the 100.
    assert.ok(open.latency.p99 >= 500, `open p99 ${open.latency.p99}`);
    assert.ok(open.latency.p90 >= 100, `open p90 ${open.latency.p90}`);
    // The closed model with one user sees the stall once: its p90 hides it (coordinated omission).
    const closed = await runLoad(
      plan({ model: { type: 'closed', vus: 1, thinkTimeMs: 20 }, durationMs: 2000 }),
      stepFor(await stall(), { connections: 1 }),
    );
    assert.ok(closed.latency.max >= 750, `closed max ${closed.latency.max}`);
    assert.ok(closed.latency.p90 < 100, `closed p90 ${closed.latency.p90}`);
  });

  test('errors are counted by class: status codes and connection failures', async () => {
    const s = await server({ status: (n) => (n % 4 === 0 ? 503 : n % 4 === 1 ? 404 : 200) });
    const result = await runLoad(
      plan({ model: { type: 'closed', vus: 2, thinkTimeMs: 0 }, maxRequests: 40 }),
      stepFor(s),
    );
    assert.equal(result.requests, 40);
    assert.equal(result.errors['503'], 10);
    assert.equal(result.errors['404'], 10);
    assert.equal(result.detail.errorRate, 0.5);
    const down = await server();
    await down.close();
    const refused = await runLoad(plan({ model: rate(20, 300), durationMs: 300 }), stepFor(down));
    assert.ok((refused.errors.connection ?? 0) >= 5, JSON.stringify(refused.errors));
  });

  test('a threshold certain to fail stops the run early and says so', async () => {
    const slow = await server({ delayMs: (n) => (n === 3 ? 400 : 0) });
    const started = Date.now();
    const result = await runLoad(
      plan({
        model: rate(20, 20_000),
        durationMs: 20_000,
        thresholds: [parseThreshold('max < 200ms')],
        abortOnFail: true,
      }),
      stepFor(slow),
    );
    assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
    assert.equal(result.detail.aborted?.threshold, 'max < 200ms');
    assert.match(result.detail.aborted!.reason, /cannot meet max < 200ms/);
    assert.equal(result.thresholds[0]?.passed, false);

    const failing = await server({ status: () => 500 });
    const errors = await runLoad(
      plan({
        model: rate(100, 20_000),
        durationMs: 20_000,
        thresholds: [parseThreshold('errorRate < 1%'), parseThreshold('p95 < 1s')],
        abortOnFail: true,
      }),
      stepFor(failing),
    );
    assert.equal(errors.detail.aborted?.threshold, 'errorRate < 1%');
    assert.ok(errors.requests < 200, `requests ${errors.requests}`);
    assert.deepEqual(
      errors.thresholds.map((t) => t.passed),
      [false, true],
    );
  });

  test('worker threads share the load and their histograms merge exactly', async () => {
    const s = await server();
    const result = await runLoad(
      plan({ model: { type: 'closed', vus: 4, thinkTimeMs: 0 }, maxRequests: 600, workers: 2 }),
      stepFor(s),
    );
    assert.equal(result.requests, 600);
    assert.equal(s.count(), 600);
    assert.ok(result.detail.workers >= 1);
    assert.equal(
      result.series.reduce((a, p) => a + p.requests, 0),
      600,
    );
    assert.ok(result.latency.p50 > 0 && result.latency.p50 <= result.latency.max);
  });

  test('a run without a duration or a request limit is refused', async () => {
    const bad = plan({ model: { type: 'closed', vus: 1, thinkTimeMs: 0 } });
    assert.throws(
      () => validatePlan(bad),
      (e) =>
        e instanceof InputError &&
        e.code === 'load.unbounded' &&
        /duration or a request limit/.test(e.message),
    );
    await assert.rejects(
      runLoad(bad, { origin: 'http://127.0.0.1:9', method: 'GET', path: '/', headers: {}, timeoutMs: 100 }),
      InputError,
    );
  });

  test('a step function runs once per iteration and its failures count by class', async () => {
    let calls = 0;
    const result = await runLoad(
      plan({ model: { type: 'closed', vus: 3, thinkTimeMs: 0 }, maxRequests: 30, timeoutMs: 200 }),
      async (iteration) => {
        calls += 1;
        if (iteration % 10 === 0) return { ok: false, errorClass: 'expectation' };
        if (iteration === 5) await new Promise((r) => setTimeout(r, 400));
        return { ok: true, status: 200 };
      },
    );
    assert.equal(calls, 30);
    assert.equal(result.requests, 30);
    assert.equal(result.errors.expectation, 3);
    assert.equal(result.errors.timeout, 1);
  });
});
