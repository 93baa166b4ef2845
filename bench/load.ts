// Maximum requests per second against a minimal local HTTP server (its own process, 127.0.0.1), 50
// connections for 10 s: Gangway's load engine vs autocannon vs wrk, one after another in this script,
// each generator in its own process. Printed as ratios to autocannon, with the latency percentiles side by
// side. autocannon is installed into bench/.cache/load-tools (never a project dependency); wrk is the
// Debian package (/usr/bin/wrk) and is skipped with a note when absent.
// Run: node --import tsx bench/load.ts [--duration 10] [--connections 50] [--workers 1,2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Histogram } from '../src/load/histogram.js';
import { runLoad } from '../src/load/index.js';
import { freePort, npmInstallInto, start, stop, stopAll, waitForHttp } from './_processes.js';
import { CACHE_DIR } from './openapi-github-spec.js';

interface Row {
  tool: string;
  rps: number;
  /** CPU time of the generator's process (user + system) per request, µs: the fair figure on a shared machine. */
  cpuUs?: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  note?: string;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};

// Child mode: Gangway's engine in its own process, like the peers; prints its JSON summary.
if (args[0] === '--gangway-child') {
  const [, url, connections, seconds, workers] = args;
  const u = new URL(url!);
  const summary = await runLoad(
    {
      model: { type: 'closed', vus: Number(connections), thinkTimeMs: 0 },
      durationMs: Number(seconds) * 1000,
      timeoutMs: 10_000,
      thresholds: [],
      abortOnFail: false,
      workers: Number(workers),
    },
    { origin: u.origin, method: 'GET', path: u.pathname, headers: {}, timeoutMs: 10_000 },
  );
  process.stdout.write(JSON.stringify(summary));
  process.exit(0);
}

const SECONDS = Number(option('duration', '10'));
const CONNECTIONS = Number(option('connections', '50'));
const WORKERS = option('workers', availableParallelism() > 1 ? '1,2' : '1')
  .split(',')
  .map(Number);
const TOOLS = join(CACHE_DIR, 'load-tools');
const AUTOCANNON = join(TOOLS, 'node_modules', '.bin', 'autocannon');
const WRK = '/usr/bin/wrk';
const TIME = '/usr/bin/time';

async function histogramCost(): Promise<string> {
  await hdr.initWebAssembly();
  // The recording cost that decided the histogram: own log-linear buckets vs hdr-histogram-js (WASM).
  const n = 2_000_000;
  const values = Float64Array.from({ length: 4096 }, (_, i) => 200 + ((i * 7919) % 50_000));
  const own = new Histogram();
  let t = performance.now();
  for (let i = 0; i < n; i++) own.record(values[i & 4095]!);
  const ownNs = ((performance.now() - t) * 1e6) / n;
  const wasm = hdr.build({
    useWebAssembly: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
  });
  t = performance.now();
  for (let i = 0; i < n; i++) wasm.recordValue(values[i & 4095]!);
  const wasmNs = ((performance.now() - t) * 1e6) / n;
  wasm.destroy();
  return `histogram record(): own log-linear ${ownNs.toFixed(1)} ns, hdr-histogram-js WASM ${wasmNs.toFixed(1)} ns (${(wasmNs / ownNs).toFixed(1)}x)`;
}

const SERVER = `
const http = require('node:http');
const body = 'hello world';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[2]), '127.0.0.1');
`;

/** Runs a generator under GNU time (when present) for its CPU seconds (user + system). */
function timed(
  command: string,
  argv: string[],
): { stdout: string; stderr: string; status: number | null; cpuS?: number } {
  const file = join(dir, 'cpu');
  const useTime = existsSync(TIME);
  const result = spawnSync(
    useTime ? TIME : command,
    useTime ? ['-f', '%U %S', '-o', file, command, ...argv] : argv,
    { encoding: 'utf8', timeout: (SECONDS + 60) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  let cpuS: number | undefined;
  if (useTime && existsSync(file)) {
    const [user, system] = readFileSync(file, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    cpuS = (user ?? 0) + (system ?? 0);
  }
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    status: result.status,
    ...(cpuS !== undefined && { cpuS }),
  };
}

function cpuPerRequest(cpuS: number | undefined, rps: number): number | undefined {
  return cpuS === undefined ? undefined : (cpuS * 1e6) / (rps * SECONDS);
}

function gangway(url: string, workers: number): Row {
  const run = timed(process.execPath, [
    '--import',
    'tsx',
    join(import.meta.dirname, 'load.ts'),
    '--gangway-child',
    url,
    String(CONNECTIONS),
    String(SECONDS),
    String(workers),
  ]);
  if (run.status !== 0) throw new Error(`gangway failed: ${run.stderr}`);
  const s = JSON.parse(run.stdout) as {
    rps: number;
    latency: Record<string, number>;
    detail: { workers: number };
  };
  const cpuUs = cpuPerRequest(run.cpuS, s.rps);
  return {
    ...(cpuUs !== undefined && { cpuUs }),
    tool: `gangway (${s.detail.workers} thread${s.detail.workers > 1 ? 's' : ''})`,
    rps: s.rps,
    p50: s.latency.p50!,
    p90: s.latency.p90!,
    p99: s.latency.p99!,
    max: s.latency.max!,
  };
}

function autocannon(url: string): Row | string {
  if (!existsSync(AUTOCANNON)) {
    const notes = npmInstallInto(TOOLS, ['autocannon@9']);
    if (notes.length > 0) return notes.join('; ');
  }
  const result = timed(AUTOCANNON, ['-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', url]);
  if (result.status !== 0)
    return `autocannon failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`;
  const j = JSON.parse(result.stdout) as {
    requests: { total: number };
    duration: number;
    latency: Record<string, number>;
  };
  const rps = Math.round((j.requests.total / j.duration) * 100) / 100;
  const cpuUs = cpuPerRequest(result.cpuS, rps);
  return {
    ...(cpuUs !== undefined && { cpuUs }),
    tool: 'autocannon 9',
    rps,
    p50: j.latency.p50!,
    p90: j.latency.p90!,
    p99: j.latency.p99!,
    max: j.latency.max!,
    note: 'whole-ms latencies',
  };
}

function wrk(url: string): Row | string {
  if (!existsSync(WRK)) return `wrk not found at ${WRK}: apt-get install wrk to compare with it`;
  const threads = Math.min(2, availableParallelism());
  const result = timed(WRK, [`-t${threads}`, `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url]);
  if (result.status !== 0) return `wrk failed: ${result.stderr.trim()}`;
  const text = result.stdout;
  const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(text)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? Number.NaN);
  const cpuUs = cpuPerRequest(result.cpuS, rps);
  return {
    ...(cpuUs !== undefined && { cpuUs }),
    tool: `wrk (${threads} threads)`,
    rps,
    p50: pct('50'),
    p90: pct('90'),
    p99: pct('99'),
    max: toMs(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(text)?.[1]),
  };
}

function toMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return Number.NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Math.round(Number(m[1]) * factor * 100) / 100;
}

const dir = mkdtempSync(join(tmpdir(), 'gangway-load-bench-'));
writeFileSync(join(dir, 'server.cjs'), SERVER);
const port = await freePort();
const server = start(process.execPath, [join(dir, 'server.cjs'), String(port)], dir);
const url = `http://127.0.0.1:${port}/`;
try {
  if (!(await waitForHttp(url, server, 10_000)))
    throw new Error(`the bench server did not start: ${server.output()}`);
  console.log(await histogramCost());
  console.log(
    `server: node:http "hello world" in its own process; ${CONNECTIONS} connections, ${SECONDS} s each; ${availableParallelism()} cores\n`,
  );
  const rows: Row[] = [];
  const notes: string[] = [];
  const ac = autocannon(url);
  if (typeof ac === 'string') notes.push(ac);
  else rows.push(ac);
  for (const w of WORKERS) rows.push(gangway(url, w));
  const w = wrk(url);
  if (typeof w === 'string') notes.push(w);
  else rows.push(w);
  const base = rows.find((r) => r.tool.startsWith('autocannon'));
  console.log('tool                  req/s   vs autocannon   CPU µs/req   p50 ms   p90 ms   p99 ms   max ms');
  for (const r of rows) {
    const ratio = base ? `${(r.rps / base.rps).toFixed(2)}x` : '-';
    const cpu = r.cpuUs === undefined ? '-' : r.cpuUs.toFixed(1);
    console.log(
      `${r.tool.padEnd(20)} ${r.rps.toFixed(0).padStart(7)}   ${ratio.padStart(13)}   ${cpu.padStart(10)}   ${fmt(r.p50)} ${fmt(r.p90)} ${fmt(r.p99)} ${fmt(r.max)}${r.note ? `  (${r.note})` : ''}`,
    );
  }
  console.log('CPU µs/req: user + system time of the generator process (startup included) per request sent.');
  for (const n of notes) console.log(`note: ${n}`);
} finally {
  await stop(server);
  await stopAll();
}

function fmt(n: number): string {
  return (Number.isFinite(n) ? n.toFixed(2) : '-').padStart(8);
}
