import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Operation, Parameter } from '../../openapi/types.js';
import { runOrdered, startsAfter } from './schedule.js';

function op(key: string, links = false): Operation {
  const [method = 'GET', path = '/'] = key.split(' ');
  const parameters = [...path.matchAll(/\{([^}]+)\}/g)].map(
    (m): Parameter => ({ name: m[1] ?? '', in: 'path', required: true }) as Parameter,
  );
  return {
    id: key,
    method,
    path,
    key,
    tags: [],
    deprecated: false,
    parameters,
    responses: [{ status: '200', headers: {}, content: {}, links: links ? { next: {} } : {} }],
    security: [],
    pointer: '',
  } as Operation;
}

describe('startsAfter', () => {
  test('a read waits for the list of its collection, not for unrelated lists', () => {
    const after = startsAfter(
      ['GET /owners', 'GET /repos/{owner}', 'GET /gists', 'GET /owners/{owner}', 'GET /gists/{gist}'].map(
        (k) => op(k),
      ),
    );
    assert.deepEqual(after, [-1, -1, -1, 0, 2]);
  });

  test('a parameter named ...id may take any captured id by name: it waits for every earlier list', () => {
    const after = startsAfter(['GET /a', 'GET /b', 'GET /c/{itemId}'].map((k) => op(k)));
    assert.deepEqual(after, [-1, -1, 1]);
  });

  test('an operation changing the API waits for all before it, and all after it wait for it', () => {
    const after = startsAfter(
      ['GET /a', 'GET /b', 'POST /a/{x}/close', 'GET /c', 'GET /d', 'DELETE /a/{x}'].map((k) => op(k)),
    );
    assert.deepEqual(after, [-1, -1, 1, 2, 2, 4]);
  });

  test('an operation with links is ordered like one changing the API', () => {
    const after = startsAfter([op('GET /a'), op('GET /b', true), op('GET /c')]);
    assert.deepEqual(after, [-1, 0, 1]);
  });
});

describe('runOrdered', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('runs up to `concurrency` at once and commits in index order whatever finishes first', async () => {
    const durations = [30, 5, 20, 1, 10, 1];
    let running = 0;
    let most = 0;
    const finished: number[] = [];
    const committed: number[] = [];
    await runOrdered(
      durations.length,
      3,
      durations.map(() => -1),
      async (i) => {
        running += 1;
        most = Math.max(most, running);
        await tick(durations[i] ?? 0);
        running -= 1;
        finished.push(i);
      },
      (i) => committed.push(i),
    );
    assert.equal(most, 3);
    assert.notDeepEqual(finished, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(committed, [0, 1, 2, 3, 4, 5]);
  });

  test('an operation starts only after the one it depends on is committed', async () => {
    const events: string[] = [];
    await runOrdered(
      4,
      4,
      [-1, -1, 0, 1],
      async (i) => {
        events.push(`start ${i}`);
        await tick(i === 0 ? 20 : 1);
      },
      (i) => events.push(`commit ${i}`),
    );
    assert.ok(events.indexOf('start 2') > events.indexOf('commit 0'), events.join(', '));
    assert.ok(events.indexOf('start 3') > events.indexOf('commit 1'), events.join(', '));
    assert.ok(events.indexOf('start 1') < events.indexOf('commit 0'), events.join(', '));
  });

  test('the first error stops new work and is thrown once running work has ended', async () => {
    const started: number[] = [];
    let running = 0;
    await assert.rejects(
      runOrdered(
        10,
        2,
        new Array(10).fill(-1),
        async (i) => {
          started.push(i);
          running += 1;
          await tick(5);
          running -= 1;
          if (i === 1) throw new Error('boom');
        },
        () => {},
      ),
      /boom/,
    );
    assert.equal(running, 0);
    assert.ok(started.length <= 4, started.join(','));
  });
});
