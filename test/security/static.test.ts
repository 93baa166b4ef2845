import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOwaspRuleset, staticFindings } from '../../src/checks/security/static.js';
import { fixtureSpec, runSecurity } from './harness.js';

describe("security static: Spectral's OWASP ruleset on the spec", () => {
  test('results become findings on operations, warnings by default and errors when enforced', async () => {
    const spec = await fixtureSpec();
    const { results, failedRules } = await runOwaspRuleset(spec);
    assert.deepEqual(failedRules, []);
    assert.ok(results.length > 0);
    const warned = staticFindings(results, spec, 'warn');
    assert.equal(warned.filter((f) => f.severity === 'error').length, 0);
    // The fixture documents no rate-limit headers on its 200s: OWASP API4 says so, on the operation.
    const rate = warned.find(
      (f) => f.code === 'static.api4:2023-rate-limit' && f.operation === 'listAccounts',
    );
    assert.equal(rate?.pointer, '/paths/~1accounts/get/responses/200');
    assert.match(rate?.message ?? '', /spec line \d+/);
    const enforced = staticFindings(results, spec, 'enforce');
    const errors = results.filter((r) => r.severity === 0).length;
    assert.equal(enforced.filter((f) => f.severity === 'error').length, errors);
  });

  test('runs without an environment (a readiness stage), and static: off runs nothing', async () => {
    const { security } = await import('../../src/checks/security.js');
    const spec = await fixtureSpec();
    const ctx = {
      checkId: 'security',
      spec,
      http: undefined as never,
      redactor: undefined as never,
      flows: {},
      seed: 1,
      baseDir: '.',
      progress: () => {},
      now: () => new Date(),
    };
    const signal = AbortSignal.timeout(30_000);
    const on = await security.run(ctx, security.options.parse({}), signal);
    assert.equal(on.skipped, undefined);
    assert.ok(on.findings.every((f) => f.code.startsWith('static.')));
    assert.ok((on.measurements?.['static.ms'] ?? 0) > 0);
    const off = await security.run(ctx, security.options.parse({ static: 'off' }), signal);
    assert.ok(off.skipped);
  });

  test('with an environment, the static part joins the probes', async () => {
    const { startApi } = await import('./api.js');
    const api = await startApi(undefined);
    try {
      const { report } = await runSecurity(api.url, { probes: ['static', 'headers'] });
      assert.ok(report.findings.some((f) => f.code.startsWith('static.')));
      assert.equal(report.findings.filter((f) => f.severity === 'error').length, 0);
    } finally {
      await api.close();
    }
  });
});
