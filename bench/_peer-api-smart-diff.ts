// Child of bench/diff-peers.ts: runs api-smart-diff (installed in bench/.cache/peers, a library with
// no CLI) on two files and prints one JSON line: breaking count, removed operations, timings.
// Run: node --import tsx bench/_peer-api-smart-diff.ts <old.json> <new.json>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { operationKey, pathOperations, type RawDocument } from './_diff-truth.js';

interface AsdDiff {
  path: (string | number)[];
  action: 'add' | 'remove' | 'replace' | 'rename';
  type: string;
  before?: unknown;
}
type ApiCompare = (before: unknown, after: unknown) => { diffs: AsdDiff[] };

/** Removed operations as api-smart-diff reports them: a removed method, or a removed path item. */
function removedKeys(diffs: AsdDiff[], before: RawDocument): string[] {
  const out: string[] = [];
  for (const d of diffs) {
    if (d.action !== 'remove' || d.path[0] !== 'paths') continue;
    const [, path, method] = d.path;
    if (typeof path !== 'string') continue;
    if (d.path.length === 3 && typeof method === 'string') out.push(operationKey(method, path));
    else if (d.path.length === 2) out.push(...pathOperations(before, path));
  }
  return out;
}

const [oldFile, newFile] = process.argv.slice(2);
if (!oldFile || !newFile) throw new Error('usage: _peer-api-smart-diff.ts <old> <new>');
const require = createRequire(join(import.meta.dirname, '.cache', 'peers', 'package.json'));
const { apiCompare } = require('api-smart-diff') as { apiCompare: ApiCompare };
const t0 = performance.now();
const before = JSON.parse(readFileSync(oldFile, 'utf8')) as RawDocument;
const after = JSON.parse(readFileSync(newFile, 'utf8')) as RawDocument;
const t1 = performance.now();
const { diffs } = apiCompare(before, after);
const t2 = performance.now();
console.log(
  JSON.stringify({
    breaking: diffs.filter((d) => d.type === 'breaking').length,
    changes: diffs.length,
    removed: removedKeys(diffs, before),
    loadMs: t1 - t0,
    diffMs: t2 - t1,
  }),
);
