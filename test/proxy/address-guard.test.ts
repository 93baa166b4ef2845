// The fault proxy's upstream side through the address guard: an IP-literal upstream is refused at start,
// a name on each connection; allowed upstreams relay as before.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { TargetError } from '../../src/core/errors.js';
import { createAddressGuard } from '../../src/http/address-guard.js';
import { type FaultProxy, startProxy } from '../../src/proxy/index.js';
import { startUpstream, type Upstream } from './helpers.js';

const refuse = createAddressGuard().lookup;
const loopback = createAddressGuard({ allowPrivate: ['127.0.0.0/8', '::1'] }).lookup;

describe('fault proxy with an address guard', () => {
  let upstream: Upstream;
  const proxies: FaultProxy[] = [];
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await upstream.close();
  });

  async function start(options: Parameters<typeof startProxy>[0]): Promise<FaultProxy> {
    const proxy = await startProxy(options);
    proxies.push(proxy);
    return proxy;
  }

  test('an IP-literal upstream that is refused fails the start (HTTP and TCP)', async () => {
    for (const options of [
      { upstream: upstream.url, lookup: refuse },
      { upstream: `127.0.0.1:${upstream.port}`, tcp: true, lookup: refuse },
    ]) {
      await assert.rejects(start(options), (e) => {
        assert.ok(e instanceof TargetError);
        assert.equal(e.code, 'ssrf.blocked');
        assert.match(e.message, /refused to connect to 127\.0\.0\.1 \(loopback range/);
        return true;
      });
    }
  });

  test('an upstream name that resolves to a refused address: 502 naming the rule, nothing forwarded', async () => {
    const proxy = await start({ upstream: `http://localhost:${upstream.port}`, lookup: refuse });
    const seen = upstream.seen.length;
    const res = await fetch(`${proxy.url}/orders`);
    assert.equal(res.status, 502);
    const problem = (await res.json()) as { detail: string };
    assert.match(problem.detail, /refused to connect to 127\.0\.0\.1 \(localhost → loopback range/);
    assert.equal(upstream.seen.length, seen);
  });

  test('an allowed upstream is relayed (HTTP by name, TCP)', async () => {
    const http = await start({ upstream: `http://localhost:${upstream.port}`, lookup: loopback });
    const res = await fetch(`${http.url}/orders`);
    assert.equal(res.status, 200);
    const tcp = await start({ upstream: `localhost:${upstream.port}`, tcp: true, lookup: loopback });
    const viaTcp = await fetch(`${tcp.url.replace('tcp:', 'http:')}/x`);
    assert.equal(viaTcp.status, 200);
  });

  test('TCP mode: a refused name closes the client connection and never reaches the upstream', async () => {
    const proxy = await start({ upstream: `localhost:${upstream.port}`, tcp: true, lookup: refuse });
    const seen = upstream.seen.length;
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect(proxy.port, '127.0.0.1', () => {
        socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
      });
      let data = '';
      socket.on('data', (c: Buffer) => {
        data += c.toString();
      });
      socket.on('error', () => resolve(data));
      socket.on('close', () => resolve(data));
    });
    assert.equal(closed, '');
    assert.equal(upstream.seen.length, seen);
    assert.equal(proxy.stats().requests, 1);
  });
});
