// Each HTTP fault against a real upstream on 127.0.0.1: timing bounds are generous (shared machine), bytes exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FaultProxy, startProxy } from '../../src/proxy/index.js';
import { BIG, request, startUpstream, type Upstream, waitFor } from './helpers.js';

describe('HTTP fault proxy', () => {
  let up: Upstream;
  let proxy: FaultProxy;
  before(async () => {
    up = await startUpstream();
    proxy = await startProxy({ upstream: up.url });
  });
  after(async () => {
    await proxy.close();
    await up.close();
  });
  const only = (fault: unknown) => {
    proxy.clearFaults();
    proxy.addFault(fault);
  };

  test('relays untouched without faults: method, path, query, body', async () => {
    proxy.clearFaults();
    const res = await request(`${proxy.url}/echo?x=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(JSON.parse(res.body), { method: 'POST', url: '/echo?x=1', body: '{"a":1}' });
  });

  test('latency with jitter delays the request before the upstream sees it', async () => {
    only({ type: 'latency', latency: '200ms', jitter: '50ms' });
    const res = await request(`${proxy.url}/a`);
    assert.equal(res.status, 200);
    assert.ok(res.ms >= 145, `took ${res.ms} ms`);
    assert.ok(res.ms < 2_000, `took ${res.ms} ms`);
  });

  test('bandwidth limits the body rate', async () => {
    only({ type: 'bandwidth', bytesPerSecond: 4000 });
    const res = await request(`${proxy.url}/big`);
    assert.equal(res.body, BIG);
    const expected = (BIG.length / 4000) * 1000; // ~480 ms
    assert.ok(res.ms >= expected * 0.8, `took ${res.ms} ms for ${BIG.length} bytes`);
    assert.ok(res.ms < expected + 3_000, `took ${res.ms} ms`);
  });

  test('slow headers hold the head, then the body comes at once', async () => {
    only({ type: 'slow-headers', delay: 300 });
    const res = await request(`${proxy.url}/big`);
    assert.equal(res.body, BIG);
    assert.ok((res.headMs ?? 0) >= 280, `head after ${res.headMs} ms`);
    assert.ok(res.ms - (res.headMs ?? 0) < 250, 'body not slowed');
  });

  test('slow body drips chunks: the head is early, the body late', async () => {
    only({ type: 'slow-body', chunkBytes: 400, interval: '60ms' });
    const res = await request(`${proxy.url}/big`);
    assert.equal(res.body, BIG);
    const ticks = Math.ceil(BIG.length / 400) - 1;
    assert.ok((res.headMs ?? 1e9) < 200, `head after ${res.headMs} ms`);
    assert.ok(res.ms >= ticks * 60 * 0.8, `took ${res.ms} ms`);
  });

  test('truncate sends the full Content-Length and part of the body, then cuts', async () => {
    only({ type: 'truncate', afterBytes: 100 });
    const res = await request(`${proxy.url}/big`);
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-length'], String(BIG.length));
    assert.equal(res.body, BIG.slice(0, 100));
    assert.ok(res.error, 'the client sees a cut body');
  });

  test('reset before the upstream: ECONNRESET and the upstream never sees it', async () => {
    only({ type: 'reset' });
    const before = up.seen.length;
    const res = await request(`${proxy.url}/r`);
    assert.equal(res.error, 'ECONNRESET');
    assert.equal(res.status, undefined);
    assert.equal(up.seen.length, before);
  });

  test('reset after the upstream answered: the upstream did the work, the client gets a reset', async () => {
    only({ type: 'reset', phase: 'response' });
    const before = up.seen.length;
    const res = await request(`${proxy.url}/commit`, { method: 'POST', body: '{}' });
    assert.equal(res.error, 'ECONNRESET');
    assert.equal(up.seen.length, before + 1);
  });

  test('black hole: no answer until the client gives up, recorded as blackhole', async () => {
    only({ type: 'blackhole', id: 'hole' });
    const res = await request(`${proxy.url}/h`, { timeoutMs: 400 });
    assert.equal(res.error, 'TIMEOUT');
    assert.ok(res.ms >= 380);
    await waitFor(() => proxy.observations().some((o) => o.fault?.id === 'hole'));
    const obs = proxy.observations().find((o) => o.fault?.id === 'hole');
    assert.equal(obs?.outcome, 'blackhole');
  });

  test('status 429 with Retry-After without calling the upstream', async () => {
    only({ type: 'status', status: 429, retryAfter: 7 });
    const before = up.seen.length;
    const res = await request(`${proxy.url}/s`);
    assert.equal(res.status, 429);
    assert.equal(res.headers?.['retry-after'], '7');
    assert.equal(up.seen.length, before);
    for (const status of [500, 502, 503]) {
      only({ type: 'status', status });
      const r = await request(`${proxy.url}/s`);
      assert.equal(r.status, status);
      assert.equal(r.headers?.['retry-after'], status === 503 ? '1' : undefined);
      assert.equal((JSON.parse(r.body) as { status: number }).status, status);
    }
    assert.equal(up.seen.length, before);
  });

  test('malformed corrupts the JSON of the upstream answer, same status, right length', async () => {
    only({ type: 'malformed' });
    const res = await request(`${proxy.url}/big`);
    assert.equal(res.status, 200);
    assert.notEqual(res.body, BIG);
    assert.throws(() => JSON.parse(res.body));
    assert.equal(Buffer.byteLength(res.body, 'latin1'), Number(res.headers?.['content-length']));
  });

  test('per route: only the matching method and path template get the fault', async () => {
    only({ type: 'status', status: 503, method: 'GET', path: '/payments/{id}' });
    assert.equal((await request(`${proxy.url}/payments/42`)).status, 503);
    assert.equal((await request(`${proxy.url}/payments/42/refunds`)).status, 200);
    assert.equal((await request(`${proxy.url}/payments/42`, { method: 'DELETE' })).status, 200);
    only({ type: 'status', status: 502, path: '/files/*' });
    assert.equal((await request(`${proxy.url}/files/a/b`)).status, 502);
    assert.equal((await request(`${proxy.url}/filesx`)).status, 200);
  });

  test('an unreachable upstream is a 502 recorded as upstream-error', async () => {
    const dead = await startUpstream();
    await dead.close();
    const p = await startProxy({ upstream: dead.url });
    try {
      const res = await request(`${p.url}/x`);
      assert.equal(res.status, 502);
      await waitFor(() => p.observations().length === 1);
      assert.equal(p.observations()[0]?.outcome, 'upstream-error');
    } finally {
      await p.close();
    }
  });
});
