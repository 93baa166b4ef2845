// Runs every benchmark in bench/ (or those matching the arguments) one after another.
// Benchmarks are not tests: they print figures and ratios against a baseline run in the same script.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const filter = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'openapi-github-spec.ts')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
