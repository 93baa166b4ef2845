import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runBounded } from './pool.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('runBounded', () => {
  const rows: { name: string; items: number; limit: number; most: number }[] = [
    { name: 'limit 1 runs one at a time', items: 5, limit: 1, most: 1 },
    { name: 'limit 3 runs three at a time', items: 7, limit: 3, most: 3 },
    { name: 'a limit above the item count runs them all at once', items: 3, limit: 10, most: 3 },
    { name: 'limit 0 still makes progress, one at a time', items: 3, limit: 0, most: 1 },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      let inFlight = 0;
      let most = 0;
      const started: number[] = [];
      const items = Array.from({ length: row.items }, (_, i) => i);
      await runBounded(items, row.limit, async (i) => {
        started.push(i);
        most = Math.max(most, ++inFlight);
        await tick();
        await tick();
        inFlight -= 1;
      });
      assert.equal(most, row.most);
      assert.deepEqual(started, items, 'every item, started in list order');
    });
  }

  test('an empty list resolves without calling the task', async () => {
    let calls = 0;
    await runBounded([], 2, async () => {
      calls += 1;
    });
    assert.equal(calls, 0);
  });

  test('resolves only when every task has settled', async () => {
    const done = new Set<number>();
    await runBounded([1, 2, 3, 4], 2, async (i) => {
      for (let n = 0; n < i; n++) await tick();
      done.add(i);
    });
    assert.equal(done.size, 4);
  });

  test('a rejecting task rejects the whole run', async () => {
    await assert.rejects(
      runBounded([1, 2], 1, async (i) => {
        if (i === 2) throw new Error('task 2');
      }),
      /task 2/,
    );
  });
});

describe('runBounded with items that run alone', () => {
  test('an item marked alone waits for the others and blocks the next until it is done', async () => {
    const log: string[] = [];
    let inFlight = 0;
    const items = ['a', 'b', 'SOLO', 'c', 'd'];
    await runBounded(
      items,
      3,
      async (item) => {
        inFlight += 1;
        log.push(`start ${item} (${inFlight} in flight)`);
        await tick();
        await tick();
        inFlight -= 1;
        log.push(`end ${item}`);
      },
      (item) => item === 'SOLO',
    );
    const at = (line: string) => log.indexOf(line);
    assert.ok(
      at('start SOLO (1 in flight)') > at('end a') && at('start SOLO (1 in flight)') > at('end b'),
      log.join('\n'),
    );
    assert.ok(at('start c (1 in flight)') > at('end SOLO'), log.join('\n'));
    assert.ok(log.includes('start d (2 in flight)'), 'the rest run together again');
  });
});
