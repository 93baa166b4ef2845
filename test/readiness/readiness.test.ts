// Issue 4's acceptance, end to end: a production-readiness stage (security with a second partner,
// idempotency, load under the playbook's targets) against a two-tenant API on 127.0.0.1. Clean, the gate
// opens; each seeded defect alone blocks it through the right check with a clear finding.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli, describeFindings, readReport, tempDir } from '../cli/helpers.js';
import { type ReadinessDefect, startWalletsApi, TOKENS, WALLETS_SPEC } from './wallets-api.js';

const PLAYBOOK = `playbook: wallets-readiness
title: Wallets partner readiness
version: 1.0.0
api:
  spec: ./wallets.yaml
targets:
  latency: { p95: 200ms }
  errorRate: 1%
environments:
  sandbox:
    baseUrl: \${env.WALLETS_URL}
    auth: { type: bearer, token: "\${secret.partner_a_token}" }
  partner-b:
    baseUrl: \${env.WALLETS_URL}
    auth: { type: bearer, token: "\${secret.partner_b_token}" }
stages:
  - id: production-readiness
    environment: sandbox
    checks:
      - security: { otherPartner: partner-b, static: off, probes: [auth, tenancy, sensitive, errors, cors] }
      - idempotency: { operation: createTransfer, concurrency: 4 }
      - load: { target: listTransfers, rate: 20, duration: 2s }
`;

async function runStage(defects: ReadinessDefect[]) {
  const api = await startWalletsApi(defects);
  try {
    const dir = tempDir();
    writeFileSync(join(dir, 'wallets.yaml'), WALLETS_SPEC);
    writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK);
    const json = join(dir, 'report.json');
    const result = await cli(
      ['run', 'playbook.yaml', '--stage', 'production-readiness', '--seed', '5', '--report', `json=${json}`],
      {
        cwd: dir,
        env: {
          WALLETS_URL: api.url,
          GANGWAY_SECRET_PARTNER_A_TOKEN: TOKENS.a,
          GANGWAY_SECRET_PARTNER_B_TOKEN: TOKENS.b,
        },
      },
    );
    const text = readFileSync(json, 'utf8');
    const report = readReport(json);
    const byKind = (kind: string) => report.checks.find((c) => c.kind === kind)!;
    return { ...result, text, report, byKind };
  } finally {
    await api.close();
  }
}

describe('production readiness: security, idempotency and load decide the gate', () => {
  test('the clean API: exit 0, every check passed, no token in the report', async () => {
    const run = await runStage([]);
    const all = run.report.checks.flatMap((c) => c.findings);
    assert.equal(run.code, 0, `${run.out}${run.err}\n${describeFindings(all)}`);
    for (const check of run.report.checks) {
      assert.ok(
        ['passed', 'warned'].includes(check.outcome),
        `${check.id}: ${check.outcome} ${check.summary}`,
      );
      assert.deepEqual(
        check.findings.filter((f) => f.severity === 'error'),
        [],
        check.id,
      );
    }
    assert.ok(!run.text.includes(TOKENS.a) && !run.text.includes(TOKENS.b), 'no partner token in the report');
  });

  const cases: { defect: ReadinessDefect; kind: string; code: RegExp; operation?: string }[] = [
    { defect: 'auth-not-enforced', kind: 'security', code: /^auth\./, operation: 'getTransfer' },
    { defect: 'cross-tenant', kind: 'security', code: /^tenancy\./, operation: 'getTransfer' },
    {
      defect: 'duplicates',
      kind: 'idempotency',
      code: /^idempotency\.duplicate/,
      operation: 'createTransfer',
    },
    { defect: 'slow', kind: 'load', code: /^load\.threshold$/ },
    { defect: 'burst-500', kind: 'load', code: /^load\.threshold$/ },
  ];
  for (const { defect, kind, code, operation } of cases) {
    test(`${defect}: the gate is blocked by ${kind} with ${code.source}`, async () => {
      const run = await runStage([defect]);
      assert.equal(run.code, 1, `${run.out}${run.err}`);
      const check = run.byKind(kind);
      assert.equal(check.outcome, 'failed', `${check.summary}\n${describeFindings(check.findings)}`);
      const finding = check.findings.find((f) => f.severity === 'error' && code.test(f.code));
      assert.ok(finding, describeFindings(check.findings));
      if (operation) assert.equal(finding.operation, operation, describeFindings(check.findings));
      assert.ok(finding.message.length > 20 && finding.hint, 'a clear finding with a remediation hint');
      if (defect === 'slow') assert.match(`${finding.message} ${finding.expected}`, /p95/);
      if (defect === 'burst-500') assert.match(`${finding.message} ${finding.expected}`, /errorRate/i);
    });
  }
});
