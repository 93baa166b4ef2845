// The control API: faults on and off over HTTP, validation with pointers, stats and observations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ControlServer,
  type FaultProxy,
  startControlServer,
  startProxy,
} from '../../src/proxy/index.js';
import { control, request, startUpstream, type Upstream, waitFor } from './helpers.js';

describe('control API', () => {
  let up: Upstream;
  let proxy: FaultProxy;
  let ctl: ControlServer;
  before(async () => {
    up = await startUpstream();
    proxy = await startProxy({ upstream: up.url });
    ctl = await startControlServer(proxy);
  });
  after(async () => {
    await ctl.close();
    await proxy.close();
    await up.close();
  });

  test('listens on 127.0.0.1 only by default', () => {
    assert.match(ctl.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('POST /faults switches a fault on, DELETE /faults/:id off', async () => {
    const added = await control(ctl.url, 'POST', '/faults', { type: 'status', status: 503, id: 'down' });
    assert.equal(added.status, 201);
    assert.equal((added.json as { faults: { id: string }[] }).faults[0]?.id, 'down');
    assert.equal((await request(`${proxy.url}/x`)).status, 503);
    const listed = await control(ctl.url, 'GET', '/faults');
    const f = (listed.json as { faults: { id: string; applied: number }[] }).faults;
    assert.deepEqual(
      f.map((x) => [x.id, x.applied]),
      [['down', 1]],
    );
    assert.equal((await control(ctl.url, 'DELETE', '/faults/down')).status, 204);
    assert.equal((await control(ctl.url, 'DELETE', '/faults/down')).status, 404);
    assert.equal((await request(`${proxy.url}/x`)).status, 200);
  });

  test('POST an array, DELETE /faults clears them all', async () => {
    const r = await control(ctl.url, 'POST', '/faults', [{ type: 'malformed' }, { type: 'reset', first: 1 }]);
    assert.equal(r.status, 201);
    assert.equal(proxy.faults().length, 2);
    assert.equal((await control(ctl.url, 'DELETE', '/faults')).status, 204);
    assert.equal(proxy.faults().length, 0);
  });

  test('an invalid fault is a 400 with a pointer to each problem, and nothing is added', async () => {
    const r = await control(ctl.url, 'POST', '/faults', [
      { type: 'status', status: 503 },
      { type: 'status', status: 200, rate: 3 },
    ]);
    assert.equal(r.status, 400);
    const issues = (r.json as { issues: { pointer: string; message: string }[] }).issues;
    assert.deepEqual(issues.map((i) => i.pointer).sort(), ['/1/rate', '/1/status']);
    assert.equal(proxy.faults().length, 0);
    const notJson = await fetch(`${ctl.url}/faults`, { method: 'POST', body: '{nope' });
    assert.equal(notJson.status, 400);
    const unknownOp = await control(ctl.url, 'POST', '/faults', { type: 'reset', operation: 'getX' });
    assert.equal(unknownOp.status, 400);
    assert.equal((unknownOp.json as { issues: { pointer: string }[] }).issues[0]?.pointer, '/operation');
  });

  test('GET /stats and GET /observations?since=', async () => {
    proxy.clearObservations();
    await request(`${proxy.url}/one`);
    await request(`${proxy.url}/two`);
    await waitFor(() => proxy.observations().length === 2);
    const stats = (await control(ctl.url, 'GET', '/stats')).json as {
      requests: number;
      byStatus: Record<string, number>;
    };
    assert.ok(stats.requests >= 2);
    assert.ok((stats.byStatus['200'] ?? 0) >= 2);
    const all = (await control(ctl.url, 'GET', '/observations')).json as {
      observations: { seq: number; url: string }[];
    };
    assert.deepEqual(
      all.observations.map((o) => o.url),
      ['/one', '/two'],
    );
    const first = all.observations[0]!.seq;
    const later = (await control(ctl.url, 'GET', `/observations?since=${first}`)).json as {
      observations: { url: string }[];
    };
    assert.deepEqual(
      later.observations.map((o) => o.url),
      ['/two'],
    );
    assert.equal((await control(ctl.url, 'GET', '/nowhere')).status, 404);
  });
});
