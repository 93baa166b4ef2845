import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckKind } from '../checks/kind.js';
import { HttpClient } from '../http/client.js';
import type { RunEvent } from './events.js';
import { runStage } from './run-stage.js';
import { ENV, entry, fakeKind, http, label, redactor, report, setup } from './run-stage.test-helper.js';

describe('runStage: report and context', () => {
  test('report header, titles, durations from the injected clock, sign-off noted', async () => {
    let t = Date.parse('2025-06-01T10:00:00.000Z');
    const now = () => {
      t += 100;
      return new Date(t);
    };
    const kinds = [
      fakeKind('ok', async () => report()),
      {
        ...fakeKind('odd', async () => report()),
        title: () => {
          throw new Error('bad options');
        },
      },
    ];
    const events: RunEvent[] = [];
    const result = await runStage({
      stage: {
        id: 'sandbox',
        title: 'Sandbox',
        checks: [entry('a', 'ok', { title: 'Custom title' }), entry('b', 'odd')],
        signoff: ['security'],
      },
      kinds: new Map(kinds.map((k) => [k.kind, k as unknown as CheckKind])),
      http,
      redactor,
      baseDir: '/tmp',
      seed: 7,
      listeners: [(e) => events.push(e)],
      version: '9.9.9',
      now,
    });
    assert.equal(result.formatVersion, 1);
    assert.deepEqual(result.tool, { name: 'gangway', version: '9.9.9' });
    assert.equal(result.run.seed, 7);
    assert.deepEqual(result.run.stage, { id: 'sandbox', title: 'Sandbox' });
    assert.match(result.run.runId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      result.checks.map((c) => c.title),
      ['Custom title', 'odd'],
      'entry title wins; a throwing title() falls back to the kind',
    );
    assert.equal(result.startedAt, '2025-06-01T10:00:00.100Z');
    assert.ok(result.durationMs > 0 && result.durationMs % 100 === 0);
    assert.equal(result.durationMs, Date.parse(result.finishedAt) - Date.parse(result.startedAt));
    for (const c of result.checks)
      assert.ok(c.durationMs > 0 && c.durationMs % 100 === 0, String(c.durationMs));
    assert.equal(result.gate.verdict, 'open');
    assert.deepEqual(result.gate.signoffs, {
      required: ['security'],
      pending: ['security'],
      evaluated: false,
    });
  });

  test('context: check id, seed, flows, base dir (entry wins), clock and options as given', async () => {
    const seen: unknown[] = [];
    const look = fakeKind('look', async (ctx, o) => {
      seen.push({ id: ctx.checkId, seed: ctx.seed, flows: Object.keys(ctx.flows), baseDir: ctx.baseDir, o });
      assert.ok(ctx.now() instanceof Date);
      assert.equal(ctx.http, http);
      assert.equal(ctx.redactor, redactor);
      return report();
    });
    const { run } = setup([look], [entry('a', 'look'), entry('b', 'look', { baseDir: '/elsewhere' })], {
      concurrency: 1,
      flows: { checkout: [{ call: 'GET /x', auth: true, validate: true }] },
    });
    await run();
    assert.deepEqual(seen, [
      { id: 'a', seed: 42, flows: ['checkout'], baseDir: '/tmp', o: { label: 'a' } },
      { id: 'b', seed: 42, flows: ['checkout'], baseDir: '/elsewhere', o: { label: 'b' } },
    ]);
  });

  test('an empty stage: open gate, passed, no checks', async () => {
    const { events, run } = setup([], []);
    const result = await run();
    assert.equal(result.outcome, 'passed');
    assert.deepEqual(result.checks, []);
    assert.deepEqual(events.map(label), ['run.started', 'gate.evaluated', 'run.finished']);
  });
});

describe('runStage: other environments', () => {
  test('prepared once per name, shared by the checks that ask, closed when the run ends', async () => {
    const asked: string[] = [];
    const clients: HttpClient[] = [];
    const factory = async (name: string) => {
      asked.push(name);
      const client = new HttpClient({ redactor, version: 'test' });
      clients.push(client);
      return { environment: { ...ENV, name }, http: client };
    };
    const seen: string[] = [];
    const compare = fakeKind('compare', async (ctx) => {
      assert.ok(ctx.otherEnvironment, 'the context offers other environments');
      const other = await ctx.otherEnvironment('production');
      seen.push(other.environment.name);
      return report();
    });
    const { run } = setup([compare], [entry('a', 'compare'), entry('b', 'compare')], {
      otherEnvironment: factory,
    });
    const result = await run();
    assert.equal(result.gate.verdict, 'open');
    assert.deepEqual(seen, ['production', 'production']);
    assert.deepEqual(asked, ['production'], 'one client per environment name');
    assert.equal(clients.length, 1);
    await assert.rejects(clients[0]!.request({ method: 'GET', url: 'http://127.0.0.1:1/' }), {
      code: 'http.closed',
    });
  });

  test('absent from the context when the run has no factory', async () => {
    let offered: boolean | undefined;
    const probe = fakeKind('probe', async (ctx) => {
      offered = ctx.otherEnvironment !== undefined;
      return report();
    });
    await setup([probe], [entry('a', 'probe')]).run();
    assert.equal(offered, false);
  });
});
