// Benchmark: `gangway diff` on GitHub's published spec (13 MB each, from @octokit/openapi):
// 22.0.0 vs 23.0.0 (a major release) and 23.0.0 vs 23.0.1 (a patch). Each pair runs in its own
// process so peak RSS is that pair's. Baseline in the same process: JSON.parse of both files.
// Checks, independently of the differ: every operation missing from the new raw document is
// reported as removed; nothing breaking on the patch pair.
// Goal: ≤ 2 s and ≤ 500 MB per pair (load both specs + diff).
// Run: node --import tsx bench/diff.ts
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { diffSpecs } from '../src/openapi/diff/index.js';
import { loadSpec } from '../src/openapi/index.js';
import { removedOperations } from './_diff-truth.js';
import { ensureGithubSpecVersion } from './openapi-github-spec.js';

interface PairResult {
  parseMs: number;
  loadMs: number;
  diffMs: number;
  peakRssMb: number;
  summary: { breaking: number; warning: number; info: number };
  removedInRaw: number;
  removedFound: number;
  removedMissed: string[];
}

async function measurePair(oldFile: string, newFile: string): Promise<PairResult> {
  const t1 = performance.now();
  const [a, b] = await Promise.all([loadSpec(oldFile), loadSpec(newFile)]);
  const t2 = performance.now();
  const result = diffSpecs(a, b);
  const t3 = performance.now();
  // Peak RSS of what `gangway diff` does, read before the baseline parses the files again.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const rawOld = JSON.parse(readFileSync(oldFile, 'utf8'));
  const rawNew = JSON.parse(readFileSync(newFile, 'utf8'));
  const parseMs = performance.now() - t0;
  const removed = removedOperations(rawOld, rawNew);
  const found = new Set(
    result.changes
      .filter((c) => c.code === 'path.removed' || c.code === 'operation.removed')
      .map((c) => c.operation.replace(/\{[^{}]+\}/g, '{}')),
  );
  return {
    parseMs,
    loadMs: t2 - t1,
    diffMs: t3 - t2,
    peakRssMb,
    summary: result.summary,
    removedInRaw: removed.length,
    removedFound: removed.filter((k) => found.has(k)).length,
    removedMissed: removed.filter((k) => !found.has(k)),
  };
}

const [oldArg, newArg] = process.argv.slice(2);
if (oldArg && newArg) {
  // Child: measure one pair, print one JSON line.
  console.log(JSON.stringify(await measurePair(oldArg, newArg)));
} else {
  const pairs: [string, string][] = [
    ['22.0.0', '23.0.0'],
    ['23.0.0', '23.0.1'],
  ];
  for (const [from, to] of pairs) {
    const files = [ensureGithubSpecVersion(from), ensureGithubSpecVersion(to)];
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, ...files], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`bench child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as PairResult;
    const total = r.loadMs + r.diffMs;
    const goal = total <= 2000 && r.peakRssMb <= 500 ? 'goal met' : 'GOAL MISSED';
    console.log(
      `@octokit/openapi ${from} → ${to}: load both ${r.loadMs.toFixed(0)} ms + diff ${r.diffMs.toFixed(0)} ms = ${total.toFixed(0)} ms, ` +
        `peak RSS ${r.peakRssMb.toFixed(0)} MB (${goal}); JSON.parse of both ${r.parseMs.toFixed(0)} ms (ratio ${(total / r.parseMs).toFixed(1)}×)`,
    );
    console.log(
      `  ${r.summary.breaking} breaking, ${r.summary.warning} warnings, ${r.summary.info} info; ` +
        `removed operations in the raw documents: ${r.removedInRaw}, reported: ${r.removedFound}` +
        (r.removedMissed.length > 0 ? ` MISSED: ${r.removedMissed.join(', ')}` : ''),
    );
  }
}
