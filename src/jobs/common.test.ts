import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import {
  backoffDelay,
  JobEvents,
  MAX_RETRY_AFTER_MS,
  normaliseAdd,
  normaliseStart,
  retryDelay,
} from './common.js';

describe('backoffDelay', () => {
  test('grows by the factor from the initial delay and stops at the maximum', () => {
    const policy = { initialMs: 100, factor: 2, maxMs: 1_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt)),
      [100, 200, 400, 800, 1_000, 1_000],
    );
  });
});

describe('retryDelay', () => {
  const policy = { initialMs: 100, factor: 2, maxMs: 1_000 };
  test("a failure's retryAfterMs wins when longer than the backoff, capped at an hour", () => {
    assert.equal(retryDelay(policy, 1, new Error('x')), 100);
    assert.equal(retryDelay(policy, 1, Object.assign(new Error('x'), { retryAfterMs: 30_000 })), 30_000);
    assert.equal(retryDelay(policy, 3, Object.assign(new Error('x'), { retryAfterMs: 50 })), 400);
    assert.equal(retryDelay(policy, 1, { retryAfterMs: 10 * 60 * 60_000 }), MAX_RETRY_AFTER_MS);
    assert.equal(retryDelay(policy, 1, { retryAfterMs: Number.NaN }), 100);
    assert.equal(retryDelay(policy, 1, null), 100);
  });
});

describe('normaliseAdd', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  test('defaults: due now, no key, replace, 25 attempts, priority 0', () => {
    assert.deepEqual(normaliseAdd('notify', { a: 1 }, {}, now), {
      payloadJson: '{"a":1}',
      runAt: now,
      key: null,
      keyMode: 'replace',
      maxAttempts: 25,
      priority: 0,
    });
  });

  test('refuses what a caller got wrong with a stable code', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [string, () => unknown][] = [
      ['jobs.invalid-name', () => normaliseAdd('', null, {}, now)],
      ['jobs.payload-not-json', () => normaliseAdd('x', cyclic, {}, now)],
      ['jobs.payload-not-json', () => normaliseAdd('x', () => 1, {}, now)],
      ['jobs.invalid-run-at', () => normaliseAdd('x', null, { runAt: new Date(Number.NaN) }, now)],
      ['jobs.invalid-max-attempts', () => normaliseAdd('x', null, { maxAttempts: 0 }, now)],
      ['jobs.invalid-priority', () => normaliseAdd('x', null, { priority: 1.5 }, now)],
      ['jobs.invalid-key', () => normaliseAdd('x', null, { key: '' }, now)],
      ['jobs.invalid-concurrency', () => normaliseStart({ concurrency: 0 })],
    ];
    for (const [code, call] of cases) {
      assert.throws(call, (error: unknown) => error instanceof InputError && error.code === code, code);
    }
  });
});

describe('JobEvents', () => {
  test('a throwing listener does not keep the others from the event; unsubscribe works', () => {
    const events = new JobEvents();
    const seen: string[] = [];
    events.on('queue:error', () => {
      throw new Error('listener bug');
    });
    const off = events.on('queue:error', (e) => seen.push(String(e.error)));
    events.emit('queue:error', { error: 'one' });
    off();
    events.emit('queue:error', { error: 'two' });
    assert.deepEqual(seen, ['one']);
  });
});
