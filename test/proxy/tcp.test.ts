// TCP mode: bytes relayed; latency, bandwidth, reset and black hole per connection; first N connections.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type FaultProxy, startProxy } from '../../src/proxy/index.js';

/** An echo server that answers each chunk with its upper-case copy. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => s.write(String(d).toUpperCase()));
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Sends text, waits for `expect` bytes back (or an error, or the timeout). */
function exchange(port: number, text: string, expect: number, timeoutMs = 3_000) {
  const started = performance.now();
  return new Promise<{ data: string; error?: string; ms: number }>((resolve) => {
    let data = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    const done = (error?: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data, ms: performance.now() - started, ...(error && { error }) });
    };
    const timer = setTimeout(() => done('TIMEOUT'), timeoutMs);
    s.on('data', (d) => {
      data += String(d);
      if (data.length >= expect) done();
    });
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    s.on('close', () => done(data.length >= expect ? undefined : 'CLOSED'));
  });
}

describe('TCP fault proxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FaultProxy;
  before(async () => {
    echo = await echoServer();
    proxy = await startProxy({ upstream: `127.0.0.1:${echo.port}`, tcp: true });
  });
  after(async () => {
    await proxy.close();
    await echo.close();
  });

  test('relays bytes both ways', async () => {
    proxy.clearFaults();
    const r = await exchange(proxy.port, 'hello', 5);
    assert.equal(r.data, 'HELLO');
    assert.match(proxy.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  test('latency delays each chunk in both directions', async () => {
    proxy.clearFaults();
    proxy.addFault({ type: 'latency', latency: 150 });
    const r = await exchange(proxy.port, 'hi', 2);
    assert.equal(r.data, 'HI');
    assert.ok(r.ms >= 280, `took ${r.ms} ms`);
  });

  test('bandwidth paces the bytes', async () => {
    proxy.clearFaults();
    proxy.addFault({ type: 'bandwidth', bytesPerSecond: 2000 });
    const text = 'x'.repeat(1000);
    const r = await exchange(proxy.port, text, 1000, 5_000);
    assert.equal(r.data, text.toUpperCase());
    // 2000 B/s each way, concurrently (the echo answers each paced chunk at once): ~500 ms in all
    assert.ok(r.ms >= 400, `took ${r.ms} ms`);
  });

  test('reset on the first N connections only', async () => {
    proxy.clearFaults();
    proxy.addFault({ type: 'reset', first: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await exchange(proxy.port, 'a', 1));
    assert.deepEqual(
      results.map((r) => r.error ?? r.data),
      ['ECONNRESET', 'ECONNRESET', 'A'],
    );
  });

  test('black hole: accepted, never answered', async () => {
    proxy.clearFaults();
    proxy.addFault({ type: 'blackhole' });
    const r = await exchange(proxy.port, 'a', 1, 300);
    assert.equal(r.error, 'TIMEOUT');
    assert.ok(proxy.stats().faulted >= 1);
  });

  test('HTTP-only faults are refused in TCP mode', () => {
    assert.throws(() => proxy.addFault({ type: 'status', status: 503 }), /needs HTTP/);
  });
});
