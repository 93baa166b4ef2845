// The proxy serving HTTPS to clients, in front of an HTTPS upstream with its own CA: faults and
// observations work the same as over plain HTTP.
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { startProxy } from '../../src/proxy/index.js';
import { certificates } from '../http/helpers.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: { 'x-client-id': 'shop-1' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      })
      .on('error', reject);
  });
}

test('HTTPS on both sides: relayed, faulted, observed', async () => {
  const pem = await certificates();
  const upstream = https.createServer({ key: pem.key, cert: pem.cert }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => upstream.close(() => r())));
  const { port } = upstream.address() as AddressInfo;
  const proxy = await startProxy({
    upstream: `https://127.0.0.1:${port}`,
    upstreamTls: { ca: pem.cert },
    tls: { key: pem.key, cert: pem.cert },
  });
  closers.push(() => proxy.close());
  assert.match(proxy.url, /^https:\/\/127\.0\.0\.1:\d+$/);

  const relayed = await get(`${proxy.url}/orders/7`, pem.cert);
  assert.equal(relayed.status, 200);
  assert.deepEqual(JSON.parse(relayed.body), { url: '/orders/7' });

  proxy.addFault({ type: 'status', status: 503, retryAfter: 2, first: 1 });
  assert.equal((await get(`${proxy.url}/orders/8`, pem.cert)).status, 503);
  assert.equal((await get(`${proxy.url}/orders/9`, pem.cert)).status, 200, 'first: 1 applied once');

  const seen = proxy.observations();
  assert.deepEqual(
    seen.map((o) => [o.url, o.status, o.client, o.fault?.type]),
    [
      ['/orders/7', 200, 'shop-1', undefined],
      ['/orders/8', 503, 'shop-1', 'status'],
      ['/orders/9', 200, 'shop-1', undefined],
    ],
  );
});
