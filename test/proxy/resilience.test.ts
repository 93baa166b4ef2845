// The resilience check against two small APIs with a dependency: one fails fast with 503 + Retry-After, one hangs
// when the dependency is slow and answers 200 with a broken body when it is down.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CheckContext } from '../../src/checks/kind.js';
import { resilience } from '../../src/checks/resilience.js';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import { startUpstream, type Upstream } from './helpers.js';

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GET /quote calls the dependency's /rate through `depPort`; `wellBehaved` sets a timeout and answers 503. */
async function quoteApi(
  depPort: number,
  wellBehaved: boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    const call = http.get({ host: '127.0.0.1', port: depPort, path: '/rate', agent: false }, (dep) => {
      let body = '';
      dep.on('data', (c: Buffer) => {
        body += String(c);
      });
      dep.on('end', () => {
        if (dep.statusCode === 200) {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ rate: JSON.parse(body).rate }));
        } else if (wellBehaved) {
          res
            .writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' })
            .end('{"error":"rates unavailable"}');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate":'); // built from nothing
        }
      });
    });
    call.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'retry-after': '2' }).end();
    });
    if (wellBehaved) call.setTimeout(300, () => call.destroy(new Error('timeout')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function context(baseUrl: string): CheckContext {
  const redactor = new Redactor();
  return {
    checkId: 'resilience',
    environment: {
      name: 'sandbox',
      baseUrl,
      production: false,
      auth: { type: 'none' },
      variables: {},
      headerNames: [],
    },
    http: new HttpClient({ redactor, baseUrl }),
    redactor,
    flows: { quote: [{ call: 'GET /quote', auth: true, validate: true, expect: { status: 200 } }] },
    seed: 1,
    baseDir: '.',
    progress: () => {},
    now: () => new Date(),
  };
}

const SCENARIOS = {
  flows: ['quote'],
  budget: '1s',
  recovery: '3s',
  scenarios: [
    { name: 'rates slow', at: 'dependency', faults: [{ type: 'latency', latency: '2s' }] },
    { name: 'rates down', at: 'dependency', faults: [{ type: 'status', status: 503 }] },
  ],
};

describe('resilience check', () => {
  let dep: Upstream;
  before(async () => {
    dep = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate":1.1}');
    });
  });
  after(() => dep.close());

  for (const wellBehaved of [true, false]) {
    test(
      wellBehaved
        ? 'an API that fails fast with 503 + Retry-After passes'
        : 'an API that hangs and answers broken 2xx fails',
      async () => {
        const port = await freePort();
        const api = await quoteApi(port, wellBehaved);
        const ctx = context(api.url);
        try {
          const options = resilience.options.parse({ ...SCENARIOS, dependency: { upstream: dep.url, port } });
          const report = await resilience.run(ctx, options, new AbortController().signal);
          const codes = report.findings.map((f) => f.code).sort();
          if (wellBehaved) {
            assert.deepEqual(codes, [], JSON.stringify(report.findings, null, 2));
            assert.ok((report.measurements?.slowestMs ?? 1e9) < 1000);
          } else {
            assert.deepEqual(codes, ['resilience.broken-success', 'resilience.hang']);
            const hang = report.findings.find((f) => f.code === 'resilience.hang');
            assert.match(hang?.message ?? '', /GET \/quote gave no answer within 1000 ms under "rates slow"/);
            assert.ok(hang?.hint);
            assert.ok(hang?.exchangeId, 'points at its evidence');
          }
        } finally {
          await ctx.http.close();
          await api.close();
        }
      },
    );
  }

  test('a production environment is never faulted', async () => {
    const ctx = context('http://127.0.0.1:9');
    ctx.environment!.production = true;
    const report = await resilience.run(
      ctx,
      resilience.options.parse(SCENARIOS),
      new AbortController().signal,
    );
    assert.match(report.skipped ?? '', /production/);
    await ctx.http.close();
  });
});
