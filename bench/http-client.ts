// Per-request cost of HttpClient against raw undici Pool.request on a loopback keep-alive server.
// Run: node --import tsx bench/http-client.ts [requests=20000] [rounds=3]
// Interleaved rounds (raw, client, client+evidence) so drift on a shared machine hits all sides alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { HttpClient } from '../src/http/client.js';
import { Redactor } from '../src/http/redact.js';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CONCURRENCY = 10;
const BODY = JSON.stringify({ id: 'ord_123', status: 'pending', amount: 1250, currency: 'EUR' });

const connections = { count: 0 };
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
  res.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.on('connection', () => connections.count++);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const pool = new Pool(origin);
const redactor = new Redactor({ secrets: ['bench-secret-token-0123456789'] });
const client = new HttpClient({
  baseUrl: origin,
  redactor,
  auth: { type: 'bearer', token: 'bench-secret-token-0123456789' },
});

type One = () => Promise<unknown>;
const raw: One = async () => {
  const res = await pool.request({ path: '/orders/ord_123', method: 'GET' });
  return res.body.json();
};
// The same header set HttpClient sends, so the wire and the server's parsing cost the same on both sides:
// the difference to this row is the client's own JavaScript.
const sameHeaders = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'x-correlation-id': '4bf92f3577b34da6a3ce929d0e0e4736',
  'user-agent': 'gangway/0.0.0',
  'accept-encoding': 'gzip, deflate, br',
  authorization: 'Bearer bench-secret-token-0123456789',
};
const rawSameHeaders: One = async () => {
  const res = await pool.request({ path: '/orders/ord_123', method: 'GET', headers: sameHeaders });
  return res.body.json();
};
const ours: One = async () => {
  const res = await client.request({ method: 'GET', url: '/orders/ord_123' });
  return res.json();
};
const oursWithEvidence: One = async () => {
  const res = await client.request({ method: 'GET', url: '/orders/ord_123' });
  res.json();
  return res.exchange.response?.body;
};

/** µs per request for n requests issued by `concurrency` sequential workers. */
async function measure(fn: One, n: number, concurrency: number): Promise<number> {
  const per = Math.floor(n / concurrency);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < per; i++) await fn();
    }),
  );
  return ((performance.now() - start) * 1000) / (per * concurrency);
}

const sides: [string, One][] = [
  ['undici Pool.request', raw],
  ['undici, same headers', rawSameHeaders],
  ['HttpClient', ours],
  ['HttpClient + exchange', oursWithEvidence],
];
for (const [, fn] of sides) await measure(fn, 2000, 1); // warm-up: JIT and connections

for (const concurrency of [1, CONCURRENCY]) {
  const totals = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of sides) {
      const us = await measure(fn, N, concurrency);
      totals.set(name, [...(totals.get(name) ?? []), us]);
    }
  }
  const best = (name: string) => Math.min(...(totals.get(name) ?? [Number.NaN]));
  const median = (name: string) => {
    const sorted = [...(totals.get(name) ?? [])].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const baseBest = best(sides[0]![0]);
  const baseMedian = median(sides[0]![0]);
  console.log(`\n${N} requests, concurrency ${concurrency}, ${ROUNDS} interleaved rounds (best | median)`);
  for (const [name] of sides) {
    const b = best(name);
    const m = median(name);
    console.log(
      `  ${name.padEnd(24)} ${b.toFixed(1).padStart(6)} µs/req ${(b / baseBest).toFixed(3)}×  |` +
        ` ${m.toFixed(1).padStart(6)} µs/req ${(m / baseMedian).toFixed(3)}×`,
    );
  }
}
console.log(`\nserver saw ${connections.count} connections`);

await client.close();
await pool.close();
server.close();
