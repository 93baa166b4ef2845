import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FaultTable } from './fault-table.js';

const route = (path = '/x', method = 'GET') => ({ method, path });

function pattern(table: FaultTable, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += table.pick(route()) ? '1' : '0';
  return out;
}

describe('FaultTable', () => {
  test('first N: exactly the first N matching requests, then exhausted', () => {
    const t = new FaultTable({ seed: 1 });
    t.add([{ type: 'reset', phase: 'request', first: 3 }]);
    assert.equal(pattern(t, 6), '111000');
    assert.deepEqual(
      t.list().map((f) => [f.matched, f.applied, f.exhausted]),
      [[6, 3, true]],
    );
  });

  test('rate: about that share, the same requests for the same seed, others for another seed', () => {
    const a = new FaultTable({ seed: 7 });
    const b = new FaultTable({ seed: 7 });
    const c = new FaultTable({ seed: 8 });
    for (const t of [a, b, c]) t.add([{ type: 'status', status: 503, rate: 0.3, id: 's' }]);
    const pa = pattern(a, 1000);
    assert.equal(pa, pattern(b, 1000));
    assert.notEqual(pa, pattern(c, 1000));
    const share = [...pa].filter((x) => x === '1').length / 1000;
    assert.ok(share > 0.25 && share < 0.35, `share ${share}`);
  });

  test('rate and first together: at most N, chosen at the rate', () => {
    const t = new FaultTable({ seed: 3 });
    t.add([{ type: 'malformed', rate: '50%', first: 5 }]);
    const p = pattern(t, 200);
    assert.equal([...p].filter((x) => x === '1').length, 5);
    assert.notEqual(p.slice(0, 5), '11111');
  });

  test('the first matching fault that fires wins; routes and methods filter', () => {
    const t = new FaultTable({ seed: 1 });
    t.add([
      { type: 'status', status: 429, path: '/a/{id}', method: 'POST', id: 'a' },
      { type: 'status', status: 503, id: 'all' },
    ]);
    assert.equal(t.pick(route('/a/1', 'POST'))?.id, 'a');
    assert.equal(t.pick(route('/a/1', 'GET'))?.id, 'all');
    assert.equal(t.pick(route('/a/1/b', 'POST'))?.id, 'all');
  });

  test('refuses duplicate ids, operations without a spec, HTTP faults in TCP mode — all or none', () => {
    const t = new FaultTable({ seed: 1 });
    t.add([{ type: 'reset', phase: 'request', id: 'r' }]);
    const dup = t.add([{ type: 'malformed' }, { type: 'reset', phase: 'request', id: 'r' }]);
    assert.equal(dup.ok, false);
    assert.equal(t.size, 1);
    const op = t.add([{ type: 'malformed', operation: 'getX' }]);
    assert.deepEqual(op.ok ? [] : op.issues.map((i) => i.pointer), ['/0/operation']);
    const tcp = new FaultTable({ seed: 1, tcp: true });
    const r = tcp.add([{ type: 'malformed' }, { type: 'latency', latency: 10, path: '/x' }]);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => i.pointer), ['/0/type', '/1/path']);
  });

  test('remove and clear', () => {
    const t = new FaultTable({ seed: 1 });
    t.add([
      { type: 'malformed', id: 'm' },
      { type: 'reset', phase: 'request' },
    ]);
    assert.equal(t.remove('m'), true);
    assert.equal(t.remove('m'), false);
    t.clear();
    assert.equal(t.pick(route()), undefined);
  });
});
