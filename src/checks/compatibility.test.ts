import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { outcomeOf } from '../core/result.js';
import { loadSpec } from '../openapi/load.js';
import { compatibility, majorOf } from './compatibility.js';
import type { CheckContext } from './kind.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'diff');

/** The part of a CheckContext this kind uses: the spec, the playbook's directory, progress. */
async function contextFor(spec: string): Promise<CheckContext> {
  const partial: Partial<CheckContext> = {
    checkId: 'compatibility',
    spec: await loadSpec(join(fixtures, spec)),
    baseDir: fixtures,
    progress: () => {},
    now: () => new Date(),
  };
  return partial as CheckContext;
}

const run = async (spec: string, options: Record<string, unknown>) =>
  compatibility.run(
    await contextFor(spec),
    compatibility.options.parse(options),
    new AbortController().signal,
  );

describe('compatibility check', () => {
  test('breaking changes are error findings named compat.<rule>, located by operation and location', async () => {
    // shop-v1-minor.yaml is shop-v2.yaml without the major version bump (info.version 1.5.0).
    const report = await run('shop-v1-minor.yaml', { baseline: 'shop-v1.yaml' });
    assert.equal(outcomeOf(report), 'failed');
    const limit = report.findings.find((f) => f.code === 'compat.request.max-decreased');
    assert.equal(limit?.severity, 'error');
    assert.equal(limit?.operation, 'GET /orders');
    assert.equal(limit?.pointer, 'request.query.limit');
    assert.ok(limit?.hint);
    const enumAdded = report.findings.find((f) => f.code === 'compat.response.enum-value-added');
    assert.equal(enumAdded?.severity, 'warning');
    assert.equal(report.findings.filter((f) => f.severity === 'error').length, 13);
    assert.equal(report.measurements?.breaking, 13);
    assert.match(report.summary, /^13 breaking, 3 warnings, \d+ info \(1\.4\.0 → 1\.5\.0\)$/);
  });

  test('the major version raised: breaking changes are warnings and the summary says so', async () => {
    const report = await run('shop-v2.yaml', { baseline: 'shop-v1.yaml' });
    assert.equal(outcomeOf(report), 'warned');
    assert.equal(report.findings.filter((f) => f.code.startsWith('compat.')).length, 16);
    assert.match(report.summary, /1\.4\.0 → 2\.0\.0.*major version raised/);
  });

  test('only non-breaking edits: passed, info counted but not findings', async () => {
    const report = await run('shop-v1-edited.yaml', { baseline: 'shop-v1.yaml' });
    assert.equal(outcomeOf(report), 'passed');
    assert.deepEqual(report.findings, []);
    assert.ok((report.measurements?.info ?? 0) > 0);
  });

  test('failOn warning: warnings fail too', async () => {
    const report = await run('shop-v1-minor.yaml', { baseline: 'shop-v1.yaml', failOn: 'warning' });
    const enumAdded = report.findings.find((f) => f.code === 'compat.response.enum-value-added');
    assert.equal(enumAdded?.severity, 'error');
  });

  test('a missing baseline is an error of the check (thrown), not a finding', async () => {
    await assert.rejects(run('shop-v1-edited.yaml', { baseline: 'nope.yaml' }), /nope\.yaml/);
  });

  test('majorOf reads the leading number', () => {
    assert.equal(majorOf('2.1.0'), 2);
    assert.equal(majorOf('v3'), 3);
    assert.equal(majorOf('2024-01-01'), 2024);
    assert.equal(majorOf('beta'), undefined);
  });
});
