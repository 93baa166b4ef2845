// The idempotency check end to end: `gangway run` on a playbook against a real orders API on 127.0.0.1
// that supports Idempotency-Key correctly, then with each classic mistake switched on alone.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli, describeFindings, readReport, tempDir } from '../cli/helpers.js';
import { type IdempotencyDefect, ORDERS_SPEC, type OrdersApi, startOrdersApi } from './orders-api.js';

const PLAYBOOK = `playbook: orders-idempotency
title: Orders partner integration
version: 1.0.0
api:
  spec: ./orders.yaml
environments:
  sandbox:
    baseUrl: \${env.ORDERS_URL}
stages:
  - id: sandbox
    environment: sandbox
    checks:
      - idempotency: OPTIONS
`;

async function runCheck(api: OrdersApi, options = '{}') {
  const dir = tempDir();
  writeFileSync(join(dir, 'orders.yaml'), ORDERS_SPEC);
  writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK.replace('OPTIONS', options));
  const json = join(dir, 'report.json');
  const result = await cli(
    ['run', 'playbook.yaml', '--stage', 'sandbox', '--seed', '3', '--report', `json=${json}`],
    {
      cwd: dir,
      env: { ORDERS_URL: api.url },
    },
  );
  const check = readReport(json).checks[0]!;
  return { ...result, check, codes: check.findings.map((f) => `${f.severity} ${f.code}`) };
}

async function withApi<T>(defects: IdempotencyDefect[], body: (api: OrdersApi) => Promise<T>): Promise<T> {
  const api = await startOrdersApi(defects);
  try {
    return await body(api);
  } finally {
    await api.close();
  }
}

describe('idempotency check', () => {
  test('a correct API: exit 0, no finding, one order per key, every scenario judged', async () => {
    await withApi([], async (api) => {
      const run = await runCheck(api);
      assert.equal(run.code, 0, `${run.out}${run.err}\n${describeFindings(run.check.findings)}`);
      assert.deepEqual(run.codes, []);
      assert.equal(run.check.outcome, 'passed');
      assert.equal(run.check.measurements['behaviours.notJudged'], 0, run.check.summary);
      // sequential key, concurrent key, timed-out key, a new key, the changed body alone: five orders.
      assert.equal(api.orders.length, 5, JSON.stringify(api.orders));
      assert.equal(run.check.measurements['resources.created'], 5);
    });
  });

  const cases: { defect: IdempotencyDefect; want: string[] }[] = [
    {
      defect: 'ignore-key',
      want: [
        'error idempotency.duplicate',
        'error idempotency.duplicate-concurrent',
        'error idempotency.duplicate-after-timeout',
      ],
    },
    { defect: 'race', want: ['error idempotency.duplicate-concurrent'] },
    { defect: 'no-fingerprint', want: ['error idempotency.changed-body-accepted'] },
    { defect: 'dedupe-by-body', want: ['error idempotency.key-ignored'] },
    { defect: 'replay-5xx', want: ['error idempotency.replay-error'] },
  ];
  for (const { defect, want } of cases) {
    test(`${defect}: exit 1 with ${want.join(', ')} on createOrder`, async () => {
      await withApi([defect], async (api) => {
        const run = await runCheck(api);
        assert.equal(run.code, 1, `${run.out}${run.err}`);
        for (const code of want)
          assert.ok(run.codes.includes(code), `${code} missing in ${run.codes.join(', ')}`);
        assert.ok(run.check.findings.every((f) => f.operation === 'createOrder'));
        assert.ok(run.check.findings.filter((f) => f.severity === 'error').every((f) => f.hint && f.message));
      });
    });
  }

  test('scenarios can be switched off; a body the API refuses is reported, not hidden', async () => {
    await withApi(['race'], async (api) => {
      const run = await runCheck(api, '{ concurrency: 0, timeoutAfterCommit: false }');
      assert.equal(run.code, 0, describeFindings(run.check.findings));
    });
    await withApi([], async (api) => {
      const run = await runCheck(api, '{ body: { sku: A-1, quantity: many } }');
      assert.equal(run.code, 1);
      assert.deepEqual(run.codes, ['error idempotency.create-failed']);
      assert.equal(run.check.findings[0]?.actual, '400');
    });
  });
});
