import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { CheckContext } from '../../src/checks/kind.js';
import { load, thresholdsFromTargets } from '../../src/checks/load.js';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import { type Flow, flowSchema, type Targets } from '../../src/playbook/schema.js';
import { type LoadServer, loadServer } from './server.js';

const servers: LoadServer[] = [];
const clients: HttpClient[] = [];
after(async () => {
  await Promise.all([...servers.map((s) => s.close()), ...clients.map((c) => c.close())]);
});

function context(s: LoadServer, extra: { targets?: Targets; flows?: Record<string, Flow> }): CheckContext {
  const redactor = new Redactor({});
  const http = new HttpClient({
    baseUrl: s.url,
    redactor,
    auth: { type: 'bearer', token: 'check-s3cret' },
    headers: { 'x-partner-id': 'p-42' },
  });
  clients.push(http);
  return {
    checkId: 'load',
    environment: {
      name: 'sandbox',
      baseUrl: s.url,
      production: false,
      auth: { type: 'bearer', token: 'check-s3cret' },
      variables: {},
      headerNames: ['x-partner-id'],
    },
    http,
    redactor,
    flows: extra.flows ?? {},
    ...(extra.targets && { targets: extra.targets }),
    seed: 1,
    baseDir: '.',
    progress: () => {},
    now: () => new Date(),
  };
}

describe('load check kind', () => {
  test('thresholds default to the playbook targets and decide the check with a finding', async () => {
    assert.deepEqual(thresholdsFromTargets({ latency: { p95: '300ms', p99: '1s' }, errorRate: '0.5%' }), [
      'p95 <= 300ms',
      'p99 <= 1s',
      'errorRate <= 0.5%',
    ]);
    const s = await loadServer({ status: (n) => (n % 5 === 0 ? 500 : 200) });
    servers.push(s);
    const ctx = context(s, { targets: { latency: { p95: '2s' }, errorRate: '1%' } });
    const options = load.options.parse({ target: 'GET /items', vus: 2, maxRequests: 50 });
    const report = await load.run(ctx, options, new AbortController().signal);
    assert.equal(s.count(), 50);
    // The environment's auth reaches the raw step.
    assert.equal(s.lastHeaders().authorization, 'Bearer check-s3cret');
    assert.equal(s.lastHeaders()['x-partner-id'], 'p-42', "and the environment's extra headers");
    assert.deepEqual(
      report.thresholds?.map((t) => [t.expression, t.passed]),
      [
        ['p95 <= 2s', true],
        ['errorRate <= 1%', false],
      ],
    );
    const finding = report.findings.find((f) => f.code === 'load.threshold');
    assert.equal(finding?.pointer, 'errorRate');
    assert.equal(finding?.expected, 'errorRate <= 1%');
    assert.equal(finding?.actual, '20%');
    assert.match(finding?.hint ?? '', /500 ×10/);
    assert.equal(report.measurements?.requests, 50);
    assert.equal(report.measurements?.['errors.500'], 10);
    assert.ok((report.samples?.length ?? 0) >= 2, 'the per-second series is kept as samples');
    assert.doesNotMatch(JSON.stringify(report), /check-s3cret/);
  });

  test('a flow target runs the whole flow per iteration', async () => {
    const s = await loadServer({
      status: (_n, req) => (req.method === 'POST' ? 201 : 200),
      body: (n, req) => (req.method === 'POST' ? JSON.stringify({ id: `o${n}` }) : '{"status":"ok"}'),
    });
    servers.push(s);
    const flows: Record<string, Flow> = {
      checkout: flowSchema.parse([
        { call: 'POST /orders', body: { amount: 1 }, expect: { status: 201 }, capture: { id: '$.id' } },
        { call: 'GET /orders/{id}', params: { id: '{{ id }}' }, expect: { status: 200 } },
      ]),
    };
    const ctx = context(s, { flows });
    const options = load.options.parse({
      target: 'checkout',
      rate: 40,
      duration: '500ms',
      thresholds: ['errorRate < 1%'],
    });
    const report = await load.run(ctx, options, new AbortController().signal);
    assert.equal(report.findings.length, 0, JSON.stringify(report.findings));
    const iterations = report.measurements?.requests ?? 0;
    assert.ok(iterations >= 18 && iterations <= 21, `iterations ${iterations}`);
    assert.equal(s.count(), iterations * 2);
  });

  test('options without a bound or with two models are refused when the playbook loads', () => {
    assert.equal(load.options.safeParse({ target: '/x', vus: 2 }).success, false);
    assert.equal(load.options.safeParse({ target: '/x', vus: 2, rate: 3, duration: '1s' }).success, false);
    assert.equal(load.options.safeParse({ target: '/x', rate: '20/s', duration: '1s' }).success, true);
  });
});
