// Runs of the two tools compared by the real-spec benchmark, each as a child process bounded in time:
// `gangway contract` (built CLI) and Dredd, with what each did parsed from its report or its output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../src/runner/events.js';
import { finish, start, toolBin } from './_processes.js';
import { scratchDir } from './_scratch.js';

export interface GangwayRun {
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  /** The contract check's own duration (spec already loaded). */
  checkMs: number;
  requests: number;
  operationsCalled: number;
  operationsSelected: number;
  findings: Map<string, number>;
  error?: string;
}

/**
 * `node bin/gangway.js contract <spec> --safe --max-cases <n>` against a base URL: 1 (one request per
 * operation, the first-use cost of every schema in every case) unless told; 2 is the command's default (one
 * from examples, one property-based).
 */
export async function runGangway(
  repo: string,
  spec: string,
  baseUrl: string,
  exclude: readonly string[],
  limitMs: number,
  maxCases = 1,
): Promise<GangwayRun> {
  const report = join(scratchDir(), 'report.json');
  const args = [
    'bin/gangway.js',
    'contract',
    spec,
    '--base-url',
    baseUrl,
    '--header',
    'Authorization: Bearer x',
    '--safe',
    '--max-cases',
    String(maxCases),
    '--seed',
    '1',
    '--report',
    `json=${report}`,
    ...exclude.flatMap((id) => ['--exclude', id]),
  ];
  const begin = performance.now();
  const child = start(process.execPath, args, repo);
  const { code, timedOut } = await finish(child, limitMs);
  const wallMs = performance.now() - begin;
  const run: GangwayRun = {
    exitCode: code,
    timedOut,
    wallMs,
    checkMs: 0,
    requests: 0,
    operationsCalled: 0,
    operationsSelected: 0,
    findings: new Map(),
  };
  try {
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    const check = parsed.checks[0];
    const m = check?.measurements ?? {};
    run.checkMs = check?.durationMs ?? 0;
    run.requests = Number(m['requests'] ?? 0);
    run.operationsCalled = Number(m['operations.called'] ?? 0);
    run.operationsSelected = Number(m['operations.selected'] ?? 0);
    for (const f of check?.findings ?? []) {
      const key = `${f.severity} ${f.code}`;
      run.findings.set(key, (run.findings.get(key) ?? 0) + 1);
    }
  } catch (error) {
    run.error = `no report (${error instanceof Error ? error.message : String(error)}): ${child.output().slice(-600)}`;
  }
  return run;
}

export interface DreddRun {
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  /** "Tests took N ms": the transactions only, parsing excluded; undefined when Dredd ran none. */
  testsMs?: number;
  passing: number;
  failing: number;
  errors: number;
  skipped: number;
  /** Transactions that sent a request (pass and fail lines). */
  requests: number;
  /** Transactions Dredd refused to build for want of an example of a required URI parameter. */
  missingExamples: number;
  /** Distinct parameters named in those refusals. */
  missingParameters: Set<string>;
  /** First error line (parser error, processing error), when Dredd stopped before testing. */
  stoppedBy?: string;
}

// Dredd colours its output even into a pipe; strip it before parsing.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** `dredd <spec> <url> --method GET` bounded in time; what it ran or why it stopped. */
export async function runDredd(
  repo: string,
  spec: string,
  baseUrl: string,
  limitMs: number,
): Promise<DreddRun> {
  const args = [
    spec,
    baseUrl,
    '--header',
    'Authorization: Bearer x',
    '--method',
    'GET',
    '--loglevel',
    'warning',
  ];
  const begin = performance.now();
  const child = start(toolBin('dredd'), args, repo);
  const { code, timedOut } = await finish(child, limitMs);
  const wallMs = performance.now() - begin;
  const lines = child.output().replace(ANSI, '').split('\n');
  const count = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;
  const summary = lines.find((l) => /^complete: \d+ passing/.test(l));
  const numbers = summary?.match(/\d+/g)?.map(Number) ?? [];
  const took = lines.find((l) => l.startsWith('complete: Tests took'))?.match(/(\d+)ms/)?.[1];
  const missing = lines.filter((l) => /Required URI parameter '.*' has no example/.test(l));
  const run: DreddRun = {
    exitCode: code,
    timedOut,
    wallMs,
    passing: numbers[0] ?? count('pass: '),
    failing: numbers[1] ?? count('fail: '),
    errors: numbers[2] ?? 0,
    skipped: numbers[3] ?? count('skip: '),
    // Dredd repeats each failure after the run: the summary's figures, when there, are the ones to use.
    requests:
      summary === undefined ? count('pass: ') + count('fail: ') : (numbers[0] ?? 0) + (numbers[1] ?? 0),
    missingExamples: missing.length,
    missingParameters: new Set(missing.map((l) => l.match(/parameter '([^']+)'/)?.[1] ?? '')),
  };
  if (took !== undefined) run.testsMs = Number(took);
  const stop = lines.find((l) => /^error: API description (parser|processing) error/.test(l));
  if (stop !== undefined && run.requests === 0) run.stoppedBy = stop.slice(0, 300);
  return run;
}
