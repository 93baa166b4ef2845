// `gangway demo run` end to end: the real sandbox (HTTPS, OAuth2) and the example playbook, healthy and
// with each fault switched on; the JSON report must name the failing check and locate the problem.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/runner/events.js';
import {
  allFindings,
  cli,
  describeFindings,
  type ExpectedFinding,
  findFinding,
  readReport,
  tempDir,
} from './helpers.js';

async function demo(args: string[]): Promise<{ code: number; report: RunReport; out: string; err: string }> {
  const file = join(tempDir(), 'r.json');
  const { code, out, err } = await cli(['demo', 'run', ...args, '--report', `json=${file}`]);
  return { code, out, err, report: readReport(file) };
}

function failedCheck(report: RunReport, id: string) {
  const check = report.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  assert.equal(check.outcome, 'failed', `${id}: ${check.summary}`);
  return check;
}

describe('gangway demo run', () => {
  test('the healthy sandbox passes the sandbox stage: exit 0, outcome passed', async () => {
    const { code, report, err } = await demo([]);
    assert.equal(code, 0, err);
    assert.equal(report.outcome, 'passed');
    assert.equal(report.gate.verdict, 'open');
    assert.equal(report.run.stage.id, 'sandbox');
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.outcome]),
      report.checks.map((c) => [c.id, 'passed']),
    );
    assert.ok(report.checks.length >= 5);
    assert.deepEqual(
      allFindings(report).filter((f) => f.severity !== 'info'),
      [],
    );
  });

  // One row per fault: the check that must fail and a finding it must carry.
  const rows: { fault: string; check: string; finding: ExpectedFinding; alternatives?: ExpectedFinding[] }[] =
    [
      {
        fault: 'schema-drift',
        check: 'contract',
        finding: {
          code: 'response.body.schema',
          operation: 'createPayment',
          pointer: '/amount',
          expected: 'integer',
        },
        alternatives: [
          { code: 'response.body.schema', operation: 'getPayment', pointer: '/amount', expected: 'integer' },
        ],
      },
      {
        fault: 'erroring',
        check: 'contract',
        finding: { code: 'response.server-error', actual: '500' },
      },
      {
        fault: 'auth-broken',
        check: 'credentials',
        finding: {
          code: 'credentials.token-refused',
          operation: '/oauth/token',
          expected: 'an access token',
        },
      },
      {
        fault: 'cert-expired',
        check: 'tls',
        finding: { code: 'tls.expired', expected: 'valid for' },
      },
    ];
  for (const row of rows) {
    test(`fault ${row.fault}: exit 1, ${row.check} failed with ${row.finding.code}`, async () => {
      const { code, report, err } = await demo(['--fault', row.fault]);
      assert.equal(code, 1, err);
      assert.equal(report.outcome, 'failed');
      assert.equal(report.gate.verdict, 'blocked');
      const check = failedCheck(report, row.check);
      const found = [row.finding, ...(row.alternatives ?? [])].some((w) => findFinding(check.findings, w));
      assert.ok(
        found,
        `no ${row.finding.code} finding in ${row.check}:\n${describeFindings(check.findings)}`,
      );
      const finding = [row.finding, ...(row.alternatives ?? [])]
        .map((w) => findFinding(check.findings, w))
        .find((f) => f !== undefined);
      assert.equal(finding?.severity, 'error');
      assert.ok(finding?.expected && finding.actual, 'the finding says what was expected and what was seen');
      assert.ok(finding?.hint, 'the finding says what to do');
    });
  }

  test('fault schema-drift: the contract finding carries operation, pointer, expected and actual', async () => {
    const { report } = await demo(['--fault', 'schema-drift', '--seed', '3']);
    const drift = failedCheck(report, 'contract').findings.filter(
      (f) => f.code === 'response.body.schema' && f.pointer === '/amount',
    );
    assert.ok(drift.length > 0);
    for (const f of drift) {
      assert.ok(['createPayment', 'getPayment'].includes(f.operation ?? ''), f.operation);
      assert.equal(f.expected, 'integer');
      assert.match(f.actual ?? '', /^string "/);
      assert.match(f.curl ?? '', /^curl /);
      assert.doesNotMatch(f.curl ?? '', /demo-secret|Bearer (?!\[REDACTED\])/);
    }
  });

  // The slow fault delays every response by 1.5 s: the verification stage (5 health samples, budget 1s)
  // shows the failed threshold in ~8 s, where the sandbox stage would take ~25 s.
  test('fault slow: the health check misses its threshold "p95 < 1s"', async () => {
    const { code, report } = await demo(['--fault', 'slow', '--stage', 'verification']);
    assert.equal(code, 1);
    assert.equal(report.outcome, 'failed');
    const health = report.checks.find((c) => c.kind === 'health');
    assert.ok(health);
    assert.equal(health.outcome, 'failed');
    const threshold = health.thresholds.find((t) => t.expression === 'p95 < 1s');
    assert.ok(threshold, JSON.stringify(health.thresholds));
    assert.equal(threshold.passed, false);
    assert.ok((threshold.actual ?? 0) >= 1000, `p95 ${threshold.actual}`);
  });

  test('an unknown fault is invalid input: exit 2 naming the valid faults', async () => {
    const { code, err } = await cli([
      'demo',
      'run',
      '--fault',
      'on-fire',
      '--report',
      `json=${tempDir()}/r.json`,
    ]);
    assert.equal(code, 2);
    assert.match(err, /unknown fault "on-fire"/);
    assert.match(err, /schema-drift/);
  });
});
