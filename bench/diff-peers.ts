// Benchmark: `gangway diff` side by side with the OpenAPI differs on npm, on GitHub's published spec
// from @octokit/openapi: 22.0.0 → 23.0.0 (a major release) and 23.0.0 → 23.0.1 (a patch). Every tool
// runs as its own child process (Gangway too: the built CLI), bounded in time, with wall time and
// peak RSS measured from outside (GNU time -v). Checked for each, independently of the tool: how many
// of the operations missing from the new raw document it reports as removed, and how many breaking
// changes it reports (goal for the patch pair: none). Ratio: tool wall time / Gangway wall time.
// Run: node --import tsx bench/diff-peers.ts [--limit-s 120] [--only <name part>]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIFFERS, type Differ, ensurePeers, installedVersion, type Reading } from './_diff-peers.js';
import { type RawDocument, removedOperations } from './_diff-truth.js';
import { type MeasuredRun, measure } from './_measured.js';
import { ensureGithubSpecVersion } from './openapi-github-spec.js';

const REPO = join(import.meta.dirname, '..');
const PAIRS: readonly [string, string, string][] = [
  ['22.0.0', '23.0.0', 'major release'],
  ['23.0.0', '23.0.1', 'patch'],
];

interface Row {
  tool: string;
  run: MeasuredRun;
  reading?: Reading;
  /** Why the tool did not finish, or why its output could not be read. */
  outcome: string;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** One line on how a run ended when it gave no readable result. */
function describeFailure(run: MeasuredRun, limitMs: number): string {
  if (run.timedOut) return `killed at the ${limitMs / 1000} s limit`;
  const text = `${run.stderr}\n${run.stdout}`;
  if (/heap out of memory/.test(text))
    return `crashed: JavaScript heap out of memory (${run.signal ?? 'abort'})`;
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^Command (exited|terminated)/.test(l));
  const how = run.exitCode === null ? `ended by ${run.signal}` : `exit ${run.exitCode}`;
  return `${how}, ${first === undefined ? 'no output' : first.slice(0, 160)}`;
}

async function runOne(
  differ: Differ,
  oldFile: string,
  newFile: string,
  before: RawDocument,
  limitMs: number,
) {
  const { cmd, args } = differ.command(REPO, oldFile, newFile);
  const run = await measure(cmd, args, { cwd: REPO, limitMs, ...(differ.env ? { env: differ.env } : {}) });
  const tool = differ.pkg ? `${differ.name} ${installedVersion(differ.pkg)}` : differ.name;
  const row: Row = { tool, run, outcome: '' };
  if (run.timedOut || run.exitCode === null || !differ.okCodes.includes(run.exitCode)) {
    row.outcome = describeFailure(run, limitMs);
    return row;
  }
  try {
    row.reading = differ.read(run, before);
    row.outcome = `finished (exit ${run.exitCode})`;
  } catch {
    row.outcome = describeFailure(run, limitMs);
  }
  return row;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function printPair(label: string, removed: string[], rows: Row[]): void {
  const gangway = rows[0];
  const truth = new Set(removed);
  console.log(`\n${label}: ${removed.length} operations removed in the raw documents`);
  console.log('| tool | result | wall | peak RSS | breaking | removed ops found | time ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const { run, reading } = row;
    const found = reading ? new Set(reading.removed.filter((k) => truth.has(k))).size : undefined;
    const ratio = gangway && gangway.run.wallMs > 0 ? run.wallMs / gangway.run.wallMs : Number.NaN;
    const wall = row.reading ? fmtS(run.wallMs) : `${fmtS(run.wallMs)} (no result)`;
    // A killed tool would have taken longer than the limit; one that crashed or refused has no ratio.
    const shownRatio = row.reading ? `${ratio.toFixed(1)}×` : run.timedOut ? `> ${ratio.toFixed(0)}×` : '—';
    console.log(
      `| ${row.tool} | ${row.outcome} | ${wall} | ${run.peakRssMb.toFixed(0)} MB | ` +
        `${reading?.breaking ?? '—'} | ${found === undefined ? '—' : `${found} of ${removed.length}`} | ` +
        `${shownRatio} |`,
    );
  }
  for (const row of rows) {
    if (!row.reading) continue;
    const missed = removed.filter((k) => !row.reading?.removed.includes(k));
    if (missed.length > 0) console.log(`  ${row.tool} missed: ${missed.join(', ')}`);
  }
}

async function main(): Promise<void> {
  const limitMs = Number(option('--limit-s') ?? 120) * 1000;
  const only = option('--only');
  for (const note of ensurePeers()) console.log(`peers: ${note}`);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  // Gangway first: it is the denominator of every ratio.
  const differs = DIFFERS.filter((d, i) => i === 0 || only === undefined || d.name.includes(only));
  for (const [from, to, kind] of PAIRS) {
    const oldFile = ensureGithubSpecVersion(from);
    const newFile = ensureGithubSpecVersion(to);
    const before = JSON.parse(readFileSync(oldFile, 'utf8')) as RawDocument;
    const after = JSON.parse(readFileSync(newFile, 'utf8')) as RawDocument;
    const removed = removedOperations(before, after);
    const rows: Row[] = [];
    for (const differ of differs) {
      rows.push(await runOne(differ, oldFile, newFile, before, limitMs));
      console.error(`  ${from} → ${to}: ${rows.at(-1)?.tool}: ${rows.at(-1)?.outcome}`);
    }
    printPair(`@octokit/openapi ${from} → ${to} (${kind})`, removed, rows);
  }
}

await main();
