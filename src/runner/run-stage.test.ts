import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TargetEnvironment } from '../checks/kind.js';
import { GangwayError, TargetError } from '../core/errors.js';
import {
  CANARY,
  deferred,
  ENV,
  entry,
  fakeKind,
  label,
  never,
  report,
  setup,
} from './run-stage.test-helper.js';

describe('runStage: events and order', () => {
  test('events in order: run.started, started/finished per check, gate.evaluated, run.finished', async () => {
    const ok = fakeKind('ok', async (ctx) => {
      ctx.progress('halfway', 1, 2);
      return report();
    });
    const { events, run } = setup([ok], [entry('a', 'ok'), entry('b', 'ok')], { concurrency: 1 });
    const result = await run();
    assert.deepEqual(events.map(label), [
      'run.started',
      'check.started a',
      'check.progress a halfway',
      'check.finished a',
      'check.started b',
      'check.progress b halfway',
      'check.finished b',
      'gate.evaluated',
      'run.finished',
    ]);
    const last = events.at(-1);
    assert.ok(last?.type === 'run.finished');
    assert.equal(last.report, result, 'run.finished carries the returned report');
    const first = events[0];
    assert.ok(first?.type === 'run.started');
    assert.deepEqual(first.run.checks, [
      { id: 'a', kind: 'ok', title: 'ok a', required: true },
      { id: 'b', kind: 'ok', title: 'ok b', required: true },
    ]);
  });

  test('results follow the declared order whatever the finish order', async () => {
    const slowDone = deferred();
    const kinds = [
      fakeKind('slow', async () => {
        await slowDone.promise;
        return report({ summary: 'slow' });
      }),
      fakeKind('fast', async () => {
        slowDone.resolve();
        return report({ summary: 'fast' });
      }),
    ];
    const { events, run } = setup(kinds, [entry('first', 'slow'), entry('second', 'fast')], {
      concurrency: 2,
    });
    const result = await run();
    assert.deepEqual(
      result.checks.map((c) => c.id),
      ['first', 'second'],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'check.finished').map(label),
      ['check.finished second', 'check.finished first'],
      'finish order really differed',
    );
  });

  test('bounded concurrency: never more than the limit in flight, and the limit is used', async () => {
    for (const limit of [1, 2, 3]) {
      let inFlight = 0;
      let most = 0;
      const busy = fakeKind('busy', async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        return report();
      });
      const checks = Array.from({ length: 7 }, (_, i) => entry(`c${i}`, 'busy'));
      const { run } = setup([busy], checks, { concurrency: limit });
      const result = await run();
      assert.equal(most, limit, `limit ${limit}`);
      assert.equal(result.counts.passed, 7);
    }
  });

  test('default concurrency is 2', async () => {
    let inFlight = 0;
    let most = 0;
    const busy = fakeKind('busy', async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return report();
    });
    const { run } = setup(
      [busy],
      Array.from({ length: 5 }, (_, i) => entry(`c${i}`, 'busy')),
    );
    await run();
    assert.equal(most, 2);
  });
});

describe('runStage: outcomes, errors and budgets', () => {
  test('a check that throws a GangwayError → errored with its code; message redacted', async () => {
    const boom = fakeKind('boom', async () => {
      throw new TargetError('target.refused', `connection refused while sending token ${CANARY}`);
    });
    const { events, run } = setup([boom], [entry('boom', 'boom')]);
    const result = await run();
    const [check] = result.checks;
    assert.equal(check?.outcome, 'errored');
    assert.equal(check?.error?.code, 'target.refused');
    assert.match(check?.error?.message ?? '', /connection refused while sending token \[REDACTED\]/);
    assert.ok(!JSON.stringify(result).includes(CANARY), 'canary leaked into the report');
    assert.ok(!JSON.stringify(events).includes(CANARY), 'canary leaked into an event');
  });

  test('a check that throws a plain error → errored check.crashed, redacted', async () => {
    const boom = fakeKind('boom', async () => {
      throw new Error(`undefined is not a function (${CANARY})`);
    });
    const { run } = setup([boom], [entry('boom', 'boom')]);
    const [check] = (await run()).checks;
    assert.equal(check?.error?.code, 'check.crashed');
    assert.ok(!check?.error?.message.includes(CANARY));
    assert.ok(!check?.summary.includes(CANARY));
  });

  test('a check that throws synchronously is errored too', async () => {
    const boom = fakeKind('boom', () => {
      throw new GangwayError('sync.boom', 'thrown before any await');
    });
    const { run } = setup([boom], [entry('boom', 'boom')]);
    const [check] = (await run()).checks;
    assert.deepEqual(check?.error, { code: 'sync.boom', message: 'thrown before any await' });
  });

  test('time budget → errored check.timeout, even when the check ignores its signal', async () => {
    let sawAbort = false;
    const stuck = fakeKind('stuck', (_ctx, _o, signal) => {
      signal.addEventListener('abort', () => {
        sawAbort = true;
      });
      return never();
    });
    const ok = fakeKind('ok', async () => report());
    const { run } = setup([stuck, ok], [entry('stuck', 'stuck', { timeoutMs: 40 }), entry('ok', 'ok')]);
    const started = Date.now();
    const result = await run();
    assert.ok(Date.now() - started < 2000, 'the run did not wait for the stuck check');
    const [check, other] = result.checks;
    assert.equal(check?.outcome, 'errored');
    assert.equal(check?.error?.code, 'check.timeout');
    assert.equal(check?.error?.message, 'exceeded its time budget of 40ms');
    assert.ok(sawAbort, 'the check was told through its signal');
    assert.equal(other?.outcome, 'passed', 'other checks are unaffected');
    assert.equal(result.interrupted, false);
    assert.equal(result.outcome, 'failed');
  });

  test('abort mid-run: running → interrupted, not started → skipped, report cancelled', async () => {
    const controller = new AbortController();
    const hangs = deferred();
    const kinds = [
      fakeKind('ok', async () => report()),
      fakeKind('hang', () => {
        hangs.resolve();
        return never();
      }),
    ];
    const checks = [entry('done', 'ok'), entry('running', 'hang'), entry('later', 'ok'), entry('last', 'ok')];
    const { events, run } = setup(kinds, checks, { concurrency: 1, signal: controller.signal });
    const pending = run();
    await hangs.promise;
    controller.abort();
    const result = await pending;

    assert.deepEqual(
      result.checks.map((c) => [c.id, c.outcome, c.error?.code]),
      [
        ['done', 'passed', undefined],
        ['running', 'errored', 'check.interrupted'],
        ['later', 'skipped', undefined],
        ['last', 'skipped', undefined],
      ],
    );
    assert.equal(result.checks[2]?.summary, 'not run: the run was interrupted');
    assert.equal(result.interrupted, true);
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.gate.verdict, 'blocked');
    assert.deepEqual(result.counts, { passed: 1, failed: 0, warned: 0, errored: 1, skipped: 2 });
    assert.ok(
      !events.some((e) => e.type === 'check.started' && e.checkId === 'later'),
      'later never started',
    );
    assert.equal(events.filter((e) => e.type === 'check.finished').length, 4, 'one check.finished per check');
    assert.equal(events.at(-1)?.type, 'run.finished');
  });

  test('aborted before the run starts: every check skipped, cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const ok = fakeKind('ok', async () => {
      ran = true;
      return report();
    });
    const { run } = setup([ok], [entry('a', 'ok'), entry('b', 'ok')], { signal: controller.signal });
    const result = await run();
    assert.equal(ran, false);
    assert.deepEqual(result.counts, { passed: 0, failed: 0, warned: 0, errored: 0, skipped: 2 });
    assert.equal(result.outcome, 'cancelled');
  });

  const unavailable: {
    name: string;
    kind: ReturnType<typeof fakeKind>;
    checkKind: string;
    environment?: TargetEnvironment;
    message: RegExp;
  }[] = [
    {
      name: 'unknown kind',
      kind: fakeKind('ok', async () => report()),
      checkKind: 'nope',
      message: /unknown check kind "nope"/,
    },
    {
      name: 'a kind that needs an environment in a stage without one',
      kind: fakeKind('net', async () => report(), { needsEnvironment: true }),
      checkKind: 'net',
      message: /stage "sandbox" names no environment, and net needs one/,
    },
    {
      name: 'a kind that needs the spec without one',
      kind: fakeKind('spec', async () => report(), { needsSpec: true }),
      checkKind: 'spec',
      environment: ENV,
      message: /spec needs the playbook's api\.spec/,
    },
  ];
  for (const row of unavailable) {
    test(`${row.name} → errored check.unavailable`, async () => {
      const { events, run } = setup([row.kind], [entry('c', row.checkKind)], {
        ...(row.environment && { environment: row.environment }),
      });
      const result = await run();
      const [check] = result.checks;
      assert.equal(check?.outcome, 'errored');
      assert.equal(check?.error?.code, 'check.unavailable');
      assert.match(check?.error?.message ?? '', row.message);
      assert.deepEqual(events.map(label).slice(1, 3), ['check.started c', 'check.finished c']);
    });
  }

  test('a kind that needs an environment runs when there is one, and sees it', async () => {
    let seen: string | undefined;
    const net = fakeKind(
      'net',
      async (ctx) => {
        seen = ctx.environment?.baseUrl;
        return report();
      },
      { needsEnvironment: true },
    );
    const { run } = setup([net], [entry('c', 'net')], { environment: ENV });
    const result = await run();
    assert.equal(result.checks[0]?.outcome, 'passed');
    assert.equal(seen, ENV.baseUrl);
    assert.deepEqual(result.run.environment, { name: 'sandbox', baseUrl: ENV.baseUrl });
  });

  test('counts, gate and outcome from a mix of outcomes', async () => {
    const kinds = [
      fakeKind('pass', async () => report({ measurements: { 'latency.p95': 12 } })),
      fakeKind('fail', async () =>
        report({ summary: '1 finding', findings: [{ code: 'x', severity: 'error', message: 'bad' }] }),
      ),
      fakeKind('warn', async () =>
        report({ findings: [{ code: 'w', severity: 'warning', message: 'meh' }] }),
      ),
      fakeKind('skip', async () => report({ skipped: 'nothing to test' })),
      fakeKind('slow', async () =>
        report({ thresholds: [{ expression: 'p95 < 300ms', actual: 450, passed: false }] }),
      ),
      fakeKind('boom', async () => {
        throw new Error('x');
      }),
    ];
    const checks = [
      entry('pass', 'pass'),
      entry('fail', 'fail', { required: false }),
      entry('warn', 'warn'),
      entry('skip', 'skip', { required: false }),
      entry('slow', 'slow', { required: false }),
      entry('boom', 'boom', { required: false }),
    ];
    const { run } = setup(kinds, checks);
    const result = await run();
    assert.deepEqual(result.counts, { passed: 1, failed: 2, warned: 1, errored: 1, skipped: 1 });
    assert.equal(result.checks[0]?.measurements['latency.p95'], 12);
    assert.equal(result.checks[3]?.summary, 'nothing to test');
    assert.equal(result.gate.verdict, 'open', 'only optional checks failed');
    assert.equal(result.outcome, 'passed');
    assert.equal(result.gate.notes.length, 5);
  });

  test('a failed required check → gate blocked, outcome failed', async () => {
    const fail = fakeKind('fail', async () =>
      report({ findings: [{ code: 'x', severity: 'error', message: 'bad' }] }),
    );
    const { run } = setup([fail], [entry('fail', 'fail')]);
    const result = await run();
    assert.equal(result.gate.verdict, 'blocked');
    assert.equal(result.outcome, 'failed');
    assert.equal(result.interrupted, false);
  });
});
