// Shared by the CLI end-to-end tests: run main() in-process with captured streams, temp dirs, report reading.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Finding } from '../../src/core/result.js';
import type { RunReport } from '../../src/runner/events.js';
import { type Handler, serve } from '../fixtures/apis/server-kit.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs `gangway <argv>` in this process; cwd defaults to the repository root. */
export async function cli(
  argv: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const out = capture();
  const err = capture();
  const code = await main(argv, {
    out: out.stream,
    err: err.stream,
    color: false,
    env: options.env ?? {},
    cwd: options.cwd ?? repoRoot,
  });
  return { code, out: out.text(), err: err.text() };
}

const dirs: string[] = [];
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gangway-cli-'));
  dirs.push(dir);
  return dir;
}

export function readReport(file: string): RunReport {
  return JSON.parse(readFileSync(file, 'utf8')) as RunReport;
}

/** Every finding of every check of a report. */
export function allFindings(report: RunReport): Finding[] {
  return report.checks.flatMap((c) => c.findings);
}

/** What a test expects of one finding; strings of expected/actual need only be contained. */
export interface ExpectedFinding {
  code: string;
  operation?: string;
  pointer?: string;
  expected?: string;
  actual?: string;
}

/** The first finding matching an expectation, or undefined. */
export function findFinding(findings: readonly Finding[], want: ExpectedFinding): Finding | undefined {
  return findings.find(
    (f) =>
      f.code === want.code &&
      (want.operation === undefined || f.operation === want.operation) &&
      (want.pointer === undefined || f.pointer === want.pointer) &&
      (want.expected === undefined || (f.expected ?? '').includes(want.expected)) &&
      (want.actual === undefined || (f.actual ?? '').includes(want.actual)),
  );
}

/** A readable list of findings for assertion messages. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map(
      (f) =>
        `${f.severity} ${f.code} ${f.operation ?? '-'} ${f.pointer ?? '-'} [${f.expected ?? ''} | ${f.actual ?? ''}]`,
    )
    .join('\n');
}

/**
 * Runs `gangway contract` on a spec given as text against a handler served on 127.0.0.1, with a JSON
 * report; returns the CLI result, the findings and the requests the server saw.
 */
export async function contractOn(specText: string, handler: Handler, args: readonly string[] = []) {
  const dir = tempDir();
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, specText);
  const server = await serve(handler);
  try {
    const report = join(dir, 'report.json');
    const result = await cli([
      'contract',
      spec,
      '--base-url',
      server.url,
      '--report',
      `json=${report}`,
      ...args,
    ]);
    return { ...result, findings: allFindings(readReport(report)), requests: server.requests };
  } finally {
    await server.close();
  }
}
