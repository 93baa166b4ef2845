import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { searchFailure } from './property.js';

const numbers = fc.integer({ min: 0, max: 1000 });
const never = new AbortController().signal;

describe('searchFailure', () => {
  test('finds the minimal failing case within the shrink budget', async () => {
    const sent: number[] = [];
    const outcome = await searchFailure(
      numbers,
      () => true,
      async (n) => {
        sent.push(n);
        return { failed: n > 7, result: n };
      },
      { numRuns: 50, maxShrinks: 30, seed: 4 },
      never,
    );
    assert.equal(outcome.failure?.values, 8);
    assert.equal(outcome.failure?.result, 8);
    assert.ok(outcome.shrinking <= 30 && outcome.shrinking > 0);
    assert.equal(sent.length, outcome.generated + outcome.shrinking);
    assert.equal(new Set(sent).size, sent.length, 'no candidate is sent twice');
  });

  test('stops sending when the shrink budget is spent, keeping the smallest failure so far', async () => {
    let sent = 0;
    const outcome = await searchFailure(
      numbers,
      () => true,
      async (n) => {
        sent += 1;
        return { failed: n > 7, result: n };
      },
      { numRuns: 50, maxShrinks: 2, seed: 4 },
      never,
    );
    assert.equal(outcome.shrinking, 2);
    assert.equal(sent, outcome.generated + 2);
    assert.ok((outcome.failure?.values ?? 0) > 7);
  });

  test('never sends an invalid case', async () => {
    const sent: number[] = [];
    const outcome = await searchFailure(
      numbers,
      (n) => n % 2 === 0,
      async (n) => {
        sent.push(n);
        return { failed: false, result: n };
      },
      { numRuns: 20, maxShrinks: 5, seed: 1 },
      never,
    );
    assert.equal(outcome.failure, undefined);
    assert.ok(sent.length > 0 && sent.every((n) => n % 2 === 0));
  });

  test('an aborted run stops sending and throws the reason', async () => {
    const controller = new AbortController();
    let sent = 0;
    await assert.rejects(
      searchFailure(
        numbers,
        () => true,
        async () => {
          sent += 1;
          if (sent === 3) controller.abort(new Error('time budget'));
          return { failed: false, result: 0 };
        },
        { numRuns: 100, maxShrinks: 5, seed: 2 },
        controller.signal,
      ),
      /time budget/,
    );
    assert.equal(sent, 3);
  });
});
