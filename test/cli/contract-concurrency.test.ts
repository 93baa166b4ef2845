// `--concurrency` must not change what a run finds: with the same seed, one operation at a time and
// several at once give the same findings (codes, messages, counts, curl lines) and the same evidence,
// in the same order, on every defect-seeded API with all its defects on at once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/runner/events.js';
import { DEFECT_APIS } from '../fixtures/apis/defects/index.js';
import type { DefectApi } from '../fixtures/apis/defects/kit.js';
import { cli, readReport, tempDir } from './helpers.js';

/** Defects whose findings depend on timing, not on what was sent. */
const TIMING = new Set(['slow-get']);

// What differs between any two runs: the server's port, trace ids, ids the API makes up.
const VOLATILE = [
  [/127\.0\.0\.1:\d+/g, '<server>'],
  [/\b[0-9a-f]{32}\b|\b[0-9a-f]{16}\b/g, '<trace>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
] as const;
const stable = (text: string) => VOLATILE.reduce((t, [re, to]) => t.replace(re, to), text);

async function run(api: DefectApi, concurrency: number): Promise<RunReport> {
  const defects = new Set(api.cases.map((c) => c.defect).filter((d) => !TIMING.has(d)));
  const server = await api.start(defects);
  const json = join(tempDir(), 'report.json');
  try {
    const result = await cli([
      'contract',
      api.spec,
      '--base-url',
      server.url + api.basePath,
      ...api.headers.flatMap((h) => ['--header', h]),
      '--negative',
      '--seed',
      '5',
      '--max-cases',
      '4',
      '--concurrency',
      String(concurrency),
      '--report',
      `json=${json}`,
    ]);
    assert.equal(result.code, 1, result.err);
    return readReport(json);
  } finally {
    await server.close();
  }
}

/** A report's findings and evidence without what differs between any two runs. */
function comparable(report: RunReport) {
  const check = report.checks[0]!;
  return {
    findings: check.findings.map(({ exchangeId: _, ...f }) => stable(JSON.stringify(f))),
    exchanges: check.exchanges.map((e) =>
      stable(`${e.request.method} ${e.request.url} -> ${e.response?.status ?? 'none'}`),
    ),
    samples: check.samples.map((s) => `${s.label} ${s.ok}`),
    requests: check.measurements.requests,
  };
}

describe('gangway contract --concurrency: the same seed gives the same run', () => {
  for (const api of DEFECT_APIS) {
    test(`${api.name}: concurrency 1 and 8 record identical findings and evidence`, async () => {
      const one = comparable(await run(api, 1));
      const eight = comparable(await run(api, 8));
      assert.ok(one.findings.length > 3, one.findings.join('\n'));
      assert.deepEqual(eight, one);
    });
  }
});
