// The drift check end to end: `gangway run` on a playbook with two environments, each a real server on
// 127.0.0.1. Alike → exit 0; each kind of difference → exit 1 with the finding on the right operation.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type ApiServer, type Incoming, type Reply, segments, serve } from '../fixtures/apis/server-kit.js';
import {
  allFindings,
  cli,
  describeFindings,
  type ExpectedFinding,
  findFinding,
  readReport,
  tempDir,
} from './helpers.js';

const SPEC = `openapi: 3.0.3
info: { title: Ledger, version: 1.2.0 }
paths:
  /status:
    get:
      operationId: getStatus
      responses:
        '200':
          description: up
          content: { application/json: { schema: { type: object } } }
  /accounts:
    get:
      operationId: listAccounts
      parameters:
        - { name: limit, in: query, required: true, schema: { type: integer, minimum: 1, maximum: 50 } }
      responses:
        '200':
          description: a page
          headers:
            X-Total-Count: { schema: { type: integer } }
          content: { application/json: { schema: { type: object } } }
    post:
      operationId: createAccount
      requestBody:
        required: true
        content: { application/json: { schema: { type: object } } }
      responses: { '201': { description: created } }
  /accounts/{id}:
    get:
      operationId: getAccount
      parameters:
        - { name: id, in: path, required: true, schema: { type: string }, example: a1 }
      responses:
        '200':
          description: one account
          content: { application/json: { schema: { type: object } } }
  /accounts/{id}/statements:
    get:
      operationId: listStatements
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { '200': { description: statements } }
`;

const SANDBOX_TOKEN = 'sbx-token-4f1e9a';
const PRODUCTION_TOKEN = 'prd-token-8c2d71';

/** How the production server differs from the sandbox one. */
type Variant = 'alike' | 'missing-property' | 'type-change' | 'status' | 'content-type' | 'version';

function ledger(token: string, variant: Variant): (req: Incoming) => Reply {
  return (req) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { error: 'who are you' } };
    const parts = segments(req.path);
    if (req.method !== 'GET') return { status: 405, body: { error: 'read only' } };
    if (parts[0] === 'status') {
      return { status: 200, body: { status: 'ok', version: variant === 'version' ? '1.1.9' : '1.2.0' } };
    }
    if (parts[0] !== 'accounts') return { status: 404, body: { error: 'no such path' } };
    const account = {
      id: parts[1] ?? 'a1',
      name: token === SANDBOX_TOKEN ? 'Test account' : 'Real customer',
      balance: variant === 'type-change' ? '12.50' : 12.5,
      owner: variant === 'missing-property' ? { name: 'Ann' } : { name: 'Ann', email: 'ann@example.com' },
      closedAt: null,
    };
    if (parts.length === 1) {
      return {
        status: 200,
        headers: { 'x-total-count': token === SANDBOX_TOKEN ? '1' : '9041' },
        body: { data: [account, { ...account, id: 'a2' }] },
      };
    }
    if (variant === 'status') return { status: 404, body: { error: 'no account a1 here' } };
    if (variant === 'content-type') {
      return { status: 200, body: JSON.stringify(account), contentType: 'application/vnd.ledger+json' };
    }
    return { status: 200, body: { ...account, closedAt: token === SANDBOX_TOKEN ? null : '2024-01-01' } };
  };
}

const PLAYBOOK = `playbook: ledger-drift
title: Ledger partner integration
version: 1.0.0
api:
  spec: ./ledger.yaml
environments:
  sandbox:
    baseUrl: \${env.SANDBOX_URL}
    auth: { type: bearer, token: "\${env.SANDBOX_TOKEN}" }
  production:
    baseUrl: \${env.PRODUCTION_URL}
    production: true
    auth: { type: bearer, token: "\${env.PRODUCTION_TOKEN}" }
stages:
  - id: consistency
    environment: sandbox
    checks:
      - drift: { OPTIONS }
`;

const servers: ApiServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** Runs the stage with a sandbox server and a production server of the given variant. */
async function runDrift(
  variant: Variant,
  options = 'against: production',
  setup: { productionDown?: boolean } = {},
) {
  const sandbox = await serve(ledger(SANDBOX_TOKEN, 'alike'));
  const production = await serve(ledger(PRODUCTION_TOKEN, variant));
  servers.push(sandbox, production);
  if (setup.productionDown) await production.close();
  const dir = tempDir();
  writeFileSync(join(dir, 'ledger.yaml'), SPEC);
  writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK.replace('OPTIONS', options));
  const json = join(dir, 'report.json');
  const result = await cli(
    ['run', 'playbook.yaml', '--stage', 'consistency', '--seed', '7', '--report', `json=${json}`],
    {
      cwd: dir,
      env: {
        SANDBOX_URL: sandbox.url,
        SANDBOX_TOKEN,
        PRODUCTION_URL: production.url,
        PRODUCTION_TOKEN,
      },
    },
  );
  assert.ok(existsSync(json), `no report (exit ${result.code}):\n${result.out}${result.err}`);
  return { ...result, json, report: readReport(json), sandbox, production };
}

describe('drift check: gangway run against two environments', () => {
  test('alike environments: exit 0, the same safe requests sent to both, each with its own credentials', async () => {
    const run = await runDrift('alike');
    const check = run.report.checks[0]!;
    assert.equal(run.code, 0, `${run.out}${run.err}\n${describeFindings(check.findings)}`);
    assert.equal(check.outcome, 'passed');
    assert.deepEqual(check.measurements, { operations: 3, compared: 3, differences: 0 });
    const sent = (s: ApiServer) => s.requests.map((r) => `${r.method} ${r.path}${r.query}`).sort();
    assert.deepEqual(sent(run.sandbox), sent(run.production), 'the same requests to both');
    assert.deepEqual(
      run.sandbox.requests.map((r) => `${r.method} ${r.path}`).sort(),
      ['GET /accounts', 'GET /accounts/a1', 'GET /status'],
      'only GETs whose path parameters have examples; never the POST',
    );
    assert.ok(run.sandbox.requests.every((r) => r.headers.authorization === `Bearer ${SANDBOX_TOKEN}`));
    assert.ok(run.production.requests.every((r) => r.headers.authorization === `Bearer ${PRODUCTION_TOKEN}`));
    const text = readFileSync(run.json, 'utf8');
    assert.ok(!text.includes(SANDBOX_TOKEN) && !text.includes(PRODUCTION_TOKEN), 'no token in the report');
  });

  // `also`: the same difference seen through another operation (the list holds accounts too).
  const cases: {
    variant: Variant;
    severity: 'error' | 'warning';
    want: ExpectedFinding;
    also?: ExpectedFinding;
  }[] = [
    {
      variant: 'missing-property',
      severity: 'error',
      want: {
        code: 'drift.shape',
        operation: 'getAccount',
        pointer: '/owner/email',
        expected: 'string',
        actual: 'absent',
      },
      also: { code: 'drift.shape', operation: 'listAccounts', pointer: '/data/0/owner/email' },
    },
    {
      variant: 'type-change',
      severity: 'error',
      want: {
        code: 'drift.shape',
        operation: 'getAccount',
        pointer: '/balance',
        expected: 'number',
        actual: 'string',
      },
      also: { code: 'drift.shape', operation: 'listAccounts', pointer: '/data/0/balance' },
    },
    {
      variant: 'status',
      severity: 'error',
      want: {
        code: 'drift.status',
        operation: 'getAccount',
        pointer: 'status',
        expected: '200',
        actual: '404',
      },
    },
    {
      variant: 'content-type',
      severity: 'warning',
      want: {
        code: 'drift.header',
        operation: 'getAccount',
        pointer: 'header:content-type',
        expected: 'application/json',
        actual: 'application/vnd.ledger+json',
      },
    },
    {
      variant: 'version',
      severity: 'warning',
      want: {
        code: 'drift.version',
        operation: 'getStatus',
        pointer: '/version',
        expected: '1.2.0',
        actual: '1.1.9',
      },
    },
  ];
  for (const { variant, severity, want, also } of cases) {
    test(`${variant}: exit ${severity === 'error' ? 1 : 0}, ${want.code} at ${want.pointer} on ${want.operation}`, async () => {
      const run = await runDrift(variant);
      const findings = allFindings(run.report);
      const found = findFinding(findings, want);
      assert.ok(found, `expected ${JSON.stringify(want)} in:\n${describeFindings(findings)}`);
      assert.equal(found.severity, severity);
      if (also) assert.ok(findFinding(findings, also), `expected ${JSON.stringify(also)} too`);
      const expected = also ? 2 : 1;
      assert.equal(findings.length, expected, `nothing else:\n${describeFindings(findings)}`);
      assert.ok(
        found.curl?.includes('/accounts') || found.curl?.includes('/status'),
        'a curl line to reproduce',
      );
      assert.ok(!found.curl?.includes(PRODUCTION_TOKEN), 'the curl line is redacted');
      // Differences in warnings alone (headers, version) leave the gate open; errors block it.
      assert.equal(run.code, severity === 'error' ? 1 : 0, run.out);
      assert.equal(run.report.checks[0]?.outcome, severity === 'error' ? 'failed' : 'warned');
    });
  }

  test('against an environment the playbook lacks: the check errors and names the known ones', async () => {
    const run = await runDrift('alike', 'against: staging');
    const check = run.report.checks[0]!;
    assert.equal(run.code, 1);
    assert.equal(check.outcome, 'errored');
    assert.equal(check.error?.code, 'check.bad-option');
    assert.match(check.error?.message ?? '', /staging.*known: sandbox, production/);
    assert.equal(run.sandbox.requests.length, 0, 'nothing sent before the mistake was found');
  });

  test('an unsafe operation in `operations` is refused before anything is sent', async () => {
    const run = await runDrift('alike', 'against: production, operations: [getStatus, createAccount]');
    const check = run.report.checks[0]!;
    assert.equal(check.outcome, 'errored');
    assert.match(check.error?.message ?? '', /createAccount.*only safe requests/);
    assert.equal(run.sandbox.requests.length + run.production.requests.length, 0);
  });

  test('`operations` and `headers` narrow and widen the comparison', async () => {
    const run = await runDrift(
      'alike',
      'against: production, operations: [listAccounts], headers: [x-total-count]',
    );
    const findings = allFindings(run.report);
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.operation} ${f.pointer} [${f.expected} | ${f.actual}]`),
      ['drift.header listAccounts header:x-total-count [1 | 9041]'],
      'a header listed in `headers` is compared by value',
    );
    assert.deepEqual(
      run.production.requests.map((r) => r.path),
      ['/accounts'],
    );
  });

  test('an environment that does not answer: drift.no-response for each operation, exit 1', async () => {
    const run = await runDrift('alike', 'against: production', { productionDown: true });
    const findings = allFindings(run.report);
    assert.equal(run.code, 1);
    assert.deepEqual(findings.map((f) => `${f.code} ${f.operation}`).sort(), [
      'drift.no-response getAccount',
      'drift.no-response getStatus',
      'drift.no-response listAccounts',
    ]);
    assert.match(findings[0]?.message ?? '', /no response from production/);
  });
});
