// Benchmark: loading and indexing GitHub's OpenAPI document (13 MB, ~1000 operations), and
// matching concrete paths. Baselines in the same process: JSON.parse of the same text, and a
// linear scan over one RegExp per path template.
// Run: node --import tsx bench/openapi-load.ts
import { readFileSync } from 'node:fs';
import { loadSpec } from '../src/openapi/index.js';
import type { ApiSpec } from '../src/openapi/types.js';
import { ensureGithubSpec } from './openapi-github-spec.js';

const RUNS = 5;
const MATCHES = 200_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function time<T>(fn: () => T | Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

const file = ensureGithubSpec();
const text = readFileSync(file, 'utf8');
console.log(`GitHub spec: ${(text.length / 1e6).toFixed(1)} MB`);

const parseMs: number[] = [];
for (let i = 0; i < RUNS; i++) parseMs.push((await time(() => JSON.parse(text)))[0]);

const loadMs: number[] = [];
let spec: ApiSpec | undefined;
for (let i = 0; i < RUNS; i++) {
  const [ms, loaded] = await time(() => loadSpec(file));
  loadMs.push(ms);
  spec = loaded;
}
if (!spec) throw new Error('not loaded');

// Concrete paths: each template filled with a value, so every path matches some operation.
const requests = spec.operations.map((op) => ({
  method: op.method,
  path: op.path.replace(/\{[^}]+\}/g, 'v1'),
}));
const regexes = spec.operations.map((op) => ({
  method: op.method,
  re: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)')}$`),
}));

function bench(label: string, fn: (method: string, path: string) => unknown): number {
  let hits = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = requests[i % requests.length] as { method: string; path: string };
    if (fn(r.method, r.path)) hits++;
  }
  const start = process.hrtime.bigint();
  hits = 0;
  for (let i = 0; i < MATCHES; i++) {
    const r = requests[i % requests.length] as { method: string; path: string };
    if (fn(r.method, r.path)) hits++;
  }
  const ns = Number(process.hrtime.bigint() - start) / MATCHES;
  console.log(`${label}: ${ns.toFixed(0)} ns/op (${((hits / MATCHES) * 100).toFixed(1)}% matched)`);
  return ns;
}

const loaded = spec;
const ours = bench('match() (segment tree)', (m, p) => loaded.match(m, p));
const linear = bench('baseline: linear RegExp scan', (m, p) =>
  regexes.find((r) => r.method === m && r.re.test(p)),
);

const parse = median(parseMs);
const load = median(loadMs);
console.log('');
console.log(`operations: ${spec.operations.length}`);
console.log(`JSON.parse (baseline): ${parse.toFixed(0)} ms (median of ${RUNS})`);
console.log(
  `loadSpec (read + parse + refs + normalise + index): ${load.toFixed(0)} ms (median of ${RUNS}, first ${loadMs[0]?.toFixed(0)} ms)`,
);
console.log(`ratio load / JSON.parse: ${(load / parse).toFixed(2)}x`);
console.log(`ratio match / linear scan: ${(ours / linear).toFixed(3)}x`);
