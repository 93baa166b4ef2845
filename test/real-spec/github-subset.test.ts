// `gangway contract` on GitHub's published spec (no hand-written examples) against a mock built from
// Gangway's own generator for ~50 GET operations: a correct server must yield exit 0 and no error
// finding. The spec is fetched into bench/.cache by .ci/run; without it the test is skipped.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GITHUB_SPEC } from '../../bench/openapi-github-spec.js';
import { loadSpec } from '../../src/openapi/index.js';
import type { ApiSpec, Operation } from '../../src/openapi/types.js';
import { allFindings, cli, describeFindings, readReport, tempDir } from '../cli/helpers.js';
import { chooseMedia, type SpecMock, startSpecMock, successResponse } from './spec-mock.js';

const SUBSET = 50;
const present = existsSync(GITHUB_SPEC);
if (!present)
  console.log(`# skipped: ${GITHUB_SPEC} is missing (fetch it with bench/openapi-github-spec.ts)`);

/** GET operations answered with a documented JSON 2xx body, spread evenly over the whole spec. */
function subset(spec: ApiSpec): Operation[] {
  const eligible = spec.operations.filter((op) => {
    if (op.method !== 'GET') return false;
    const success = successResponse(op);
    return success !== undefined && chooseMedia(success.spec) !== undefined;
  });
  const step = Math.max(1, Math.floor(eligible.length / SUBSET));
  return eligible.filter((_, i) => i % step === 0).slice(0, SUBSET);
}

describe('contract on GitHub’s published spec', { skip: !present && 'GitHub spec not fetched' }, () => {
  let spec: ApiSpec;
  let mock: SpecMock;
  let operations: Operation[];

  before(async () => {
    spec = await loadSpec(GITHUB_SPEC);
    operations = subset(spec);
    mock = await startSpecMock(spec);
  });
  after(() => mock?.close());

  test('a mock answering what the spec documents gets no finding', { timeout: 60_000 }, async () => {
    assert.equal(operations.length, SUBSET, 'enough GET operations with a JSON 2xx response');
    const report = join(tempDir(), 'report.json');
    const result = await cli([
      'contract',
      GITHUB_SPEC,
      '--base-url',
      mock.url,
      '--header',
      'Authorization: Bearer not-a-real-token',
      '--safe',
      '--max-cases',
      '1',
      '--seed',
      '7',
      '--report',
      `json=${report}`,
      ...operations.flatMap((op) => ['--operation', op.id]),
    ]);
    const findings = allFindings(readReport(report));
    const errors = findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors, [], `error findings:\n${describeFindings(errors)}\n${result.out}${result.err}`);
    assert.equal(result.code, 0, `${result.out}${result.err}`);
    const measurements = readReport(report).checks[0]?.measurements ?? {};
    assert.equal(measurements['operations.called'], SUBSET, describeFindings(findings));
    // Every request reached a documented operation of the mock and got its 2xx answer.
    const answered = [...mock.statuses].filter(([status]) => status < 300).reduce((n, [, c]) => n + c, 0);
    assert.equal(answered, measurements['requests'], `mock statuses: ${JSON.stringify([...mock.statuses])}`);
  });
});
