import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Script } from './script.test-helper.js';

describe('retry chains', () => {
  test('a failed request repeated with the same method, URL and body is one chain; gaps run end to start', () => {
    const s = new Script();
    s.chain(0, [100, 200], { dur: 10 });
    const { chains } = s.traffic();
    assert.equal(chains.length, 1);
    assert.deepEqual(chains[0]!.gaps, [100, 200]);
    assert.equal(chains[0]!.attempts.length, 3);
  });

  test('a different body, URL or client is not a retry', () => {
    const s = new Script();
    s.req({ at: 0, status: 503, method: 'POST', bodyFingerprint: 'aaa' });
    s.req({ at: 50, method: 'POST', bodyFingerprint: 'bbb' });
    s.req({ at: 100, status: 500, url: '/a' });
    s.req({ at: 150, url: '/b' });
    s.req({ at: 200, status: 500, client: 'x' });
    s.req({ at: 250, client: 'y' });
    const t = s.traffic();
    assert.equal(t.chains.length, 0);
    assert.equal(t.unretriedFailures.get('a')?.length, 2);
  });

  test('a repeat after a success, or later than the window, starts over', () => {
    const s = new Script();
    s.req({ at: 0 });
    s.req({ at: 50 });
    s.req({ at: 100, status: 500 });
    s.req({ at: 10_000 });
    assert.equal(s.traffic({ retryWindowMs: 5000 }).chains.length, 0);
    assert.equal(s.traffic({ retryWindowMs: 20_000 }).chains.length, 1);
  });

  test('the window stretches by the Retry-After the failure advertised', () => {
    const s = new Script();
    s.req({ at: 0, status: 429, retryAfterSeconds: 10 });
    s.req({ at: 12_000 });
    const { chains } = s.traffic({ retryWindowMs: 5000 });
    assert.equal(chains.length, 1);
    assert.deepEqual(chains[0]!.retryAfterMs, [10_000]);
  });

  test('a concurrent duplicate (started before the failure ended) is not its retry', () => {
    const s = new Script();
    s.req({ at: 0, dur: 100, status: 500 });
    s.req({ at: 50, dur: 10 });
    assert.equal(s.traffic().chains.length, 0);
  });

  test('resets, black holes and client aborts are failures a client may retry', () => {
    const s = new Script();
    s.req({ at: 0, outcome: 'reset' });
    s.req({ at: 100, outcome: 'client-abort', dur: 300 });
    s.req({ at: 600 });
    const { chains } = s.traffic();
    assert.equal(chains.length, 1);
    assert.equal(chains[0]!.attempts.length, 3);
  });
});
