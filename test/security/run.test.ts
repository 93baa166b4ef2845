// The security check end to end: `gangway run` on a playbook whose environments hold the partners'
// credentials as ${secret.*} references; the fixture API runs on 127.0.0.1.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli, describeFindings, readReport, tempDir } from '../cli/helpers.js';
import { type Defect, startApi, TOKENS } from './api.js';
import { SPEC_FILE } from './harness.js';

const PLAYBOOK = `playbook: accounts-security
title: Accounts partner integration
version: 1.0.0
api:
  spec: ./api.yaml
environments:
  sandbox:
    baseUrl: \${env.API_URL}
    auth: { type: bearer, token: "\${secret.partner_a}" }
  partner-b:
    baseUrl: \${env.API_URL}
    auth: { type: bearer, token: "\${secret.partner_b}" }
  sandbox-revoked:
    baseUrl: \${env.API_URL}
    auth: { type: bearer, token: "\${secret.revoked_a}" }
stages:
  - id: readiness
    checks:
      - security: { probes: [static] }
  - id: sandbox
    environment: sandbox
    checks:
      - security: { otherPartner: partner-b, revoked: [sandbox-revoked], unsafe: true, static: off }
`;

async function run(defect: Defect | undefined, stage: string) {
  const api = await startApi(defect);
  try {
    const dir = tempDir();
    copyFileSync(SPEC_FILE, join(dir, 'api.yaml'));
    writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK);
    const json = join(dir, 'report.json');
    const result = await cli(['run', 'playbook.yaml', '--stage', stage, '--report', `json=${json}`], {
      cwd: dir,
      env: {
        API_URL: api.url,
        GANGWAY_SECRET_PARTNER_A: TOKENS.a,
        GANGWAY_SECRET_PARTNER_B: TOKENS.b,
        GANGWAY_SECRET_REVOKED_A: TOKENS.revoked,
      },
    });
    return { ...result, text: readFileSync(json, 'utf8'), report: readReport(json) };
  } finally {
    await api.close();
  }
}

describe('security check: gangway run', () => {
  test('clean API: exit 0, and no credential in the report', async () => {
    const r = await run(undefined, 'sandbox');
    const check = r.report.checks[0]!;
    assert.equal(r.code, 0, `${r.out}${r.err}\n${describeFindings(check.findings)}`);
    assert.equal(check.outcome, 'passed');
    for (const token of Object.values(TOKENS)) assert.ok(!r.text.includes(token), 'a token leaked');
  });

  test("tenant B reads A's account: exit 1 with tenancy.read-other on getAccount", async () => {
    const r = await run('bola', 'sandbox');
    const check = r.report.checks[0]!;
    assert.equal(r.code, 1);
    assert.equal(check.outcome, 'failed');
    const finding = check.findings.find((f) => f.code === 'tenancy.read-other');
    assert.equal(finding?.operation, 'getAccount', describeFindings(check.findings));
    assert.ok(finding?.curl?.includes('/accounts/'));
  });

  test('a stage without an environment runs the static part only', async () => {
    const r = await run(undefined, 'readiness');
    const check = r.report.checks[0]!;
    assert.equal(check.outcome, 'warned', `${r.out}${r.err}`);
    assert.equal(r.code, 0);
    assert.ok(check.findings.length > 0 && check.findings.every((f) => f.code.startsWith('static.')));
  });
});
