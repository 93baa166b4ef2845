// Monitor executions one service process sustains (issue 6: goal ≥ 100 000 per minute, scheduling lag p99
// < 1 s): embedded SQLite store + embedded job queue, N onboardings × M health monitors (samples 1) against
// a local target on 127.0.0.1 that answers /health at once, every monitor every EVERY ms, so the offered
// rate is N × M / EVERY per second. Each execution is the real path: a durable job keyed per
// onboarding+monitor that runs the check through the stage engine, evaluates the detectors, records
// sample + detector state and re-schedules itself. Lag per execution comes from the onExecuted hook.
// Baseline, in the same script and on the same target: the same number of timers (setInterval, same
// interval and phases) each sending the same GET /health with undici, with no store and no queue — the
// ratio is what durability costs per execution (CPU) and in lag.
// Run: node --import tsx bench/ops-monitors.ts [monitors=2000] [everyMs=1000] [seconds=30] [concurrency=32] [gangway]

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from '../src/core/stats.js';
import { createAddressGuard } from '../src/http/address-guard.js';
import { MONITOR_JOB, monitorJobKey } from '../src/service/ops/monitor-job.js';
import { startOperations } from '../src/service/ops/operations.js';
import { DEFAULT_OPS_CONCURRENCY, openRuntime } from '../src/service/runtime.js';

const MONITORS = Number(process.argv[2] ?? 2000);
const EVERY_MS = Number(process.argv[3] ?? 1000);
const SECONDS = Number(process.argv[4] ?? 30);
const CONCURRENCY = Number(process.argv[5] ?? DEFAULT_OPS_CONCURRENCY);
/** `gangway` runs only that side (for --cpu-prof). */
const ONLY = process.argv[6];
/** Monitors per playbook (one onboarding runs all of its playbook's monitors). */
const PER_ONBOARDING = 20;
const ONBOARDINGS = Math.max(1, Math.round(MONITORS / PER_ONBOARDING));
/** The first seconds (connections, JIT, SQLite caches) are left out of the figures. */
const WARMUP_MS = Math.min(5_000, (SECONDS * 1000) / 4);
const ENV = { GANGWAY_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') };

interface Figures {
  executions: number;
  windowMs: number;
  lags: number[];
  cpuMs: number;
  notPassed: number;
}

function playbook(baseUrl: string): string {
  const monitors = Array.from(
    { length: PER_ONBOARDING },
    (_, i) =>
      `  - { id: m${i}, check: { health: { path: /health, samples: 1 } }, environment: live, every: ${EVERY_MS}ms, jitter: 0ms, timeout: 5s }`,
  ).join('\n');
  return `playbook: bench-ops
version: 1.0.0
environments:
  live: { baseUrl: "${baseUrl}" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
${monitors}
detectors:
  - { kind: availability, severity: SEV1, failures: 3, window: 5m }
severities:
  SEV1: { acknowledge: 15m, resolve: 4h }
`;
}

// The target runs in its own process, so the CPU and event loop measured are the monitors' alone ("one process
// sustains against a local target"): it answers /health at once, as the check expects, and prints its port.
const TARGET_SOURCE = `
const body = JSON.stringify({ status: 'ok' });
const server = require('node:http').createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else res.writeHead(404).end();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

async function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', TARGET_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the target exited with ${code}`)));
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Due time of monitor `i` in the first round: phases spread evenly so the offered rate is flat from the start. */
const phase = (i: number) => Math.floor((i * EVERY_MS) / MONITORS);

async function gangway(targetUrl: string): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gangway-bench-ops-'));
  const runtime = await openRuntime({ dataDir, config: { version: 'bench' }, env: ENV });
  try {
    const { store, jobs } = runtime;
    const { version } = await store.playbooks.put({
      name: 'bench-ops',
      playbookText: playbook(targetUrl),
      actor: 'bench',
    });
    const onboardingIds: string[] = [];
    for (let o = 0; o < ONBOARDINGS; o++) {
      const partner = await store.partners.create({ name: `Partner ${o}`, actor: 'bench' });
      const onboarding = await store.onboardings.create({
        partnerId: partner.id,
        playbookVersionId: version.id,
        stage: 'live',
        actor: 'bench',
      });
      await store.monitoring.set(onboarding.id, true, { actor: 'bench' });
      onboardingIds.push(onboarding.id);
    }
    const lags: number[] = [];
    let executions = 0;
    let notPassed = 0;
    let measuring = false;
    const operations = startOperations(runtime, {
      outbound: (hosts) => createAddressGuard({ allowHosts: hosts, allowPrivate: ['127.0.0.0/8'] }),
      onExecuted: ({ lagMs, outcome }) => {
        if (!measuring) return;
        executions++;
        lags.push(lagMs);
        if (outcome !== 'passed') notPassed++;
      },
    });
    runtime.onClose(() => operations.close());
    // Scheduled by hand, not by operations.afterStart (which starts every monitor "now"): spread phases.
    const t0 = Date.now() + 500;
    for (let i = 0; i < MONITORS; i++) {
      const onboardingId = onboardingIds[Math.floor(i / PER_ONBOARDING) % ONBOARDINGS]!;
      const monitorId = `m${i % PER_ONBOARDING}`;
      const due = t0 + phase(i);
      await jobs.add(
        MONITOR_JOB,
        { onboardingId, monitorId, due },
        { runAt: new Date(due), key: monitorJobKey(onboardingId, monitorId) },
      );
    }
    await jobs.start(operations.handlers, { concurrency: CONCURRENCY, workerId: 'bench' });
    await sleep(t0 - Date.now() + WARMUP_MS);
    measuring = true;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(SECONDS * 1000 - WARMUP_MS);
    measuring = false;
    const windowMs = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    return { executions, windowMs, lags, cpuMs: (cpu.user + cpu.system) / 1000, notPassed };
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The same requests on plain timers: one undici pool per onboarding, no store, no queue, no check engine. */
async function baseline(targetUrl: string): Promise<Figures> {
  const pools = Array.from({ length: ONBOARDINGS }, () => new Pool(targetUrl, { connections: 4 }));
  const lags: number[] = [];
  let executions = 0;
  let notPassed = 0;
  let measuring = false;
  const timers: NodeJS.Timeout[] = [];
  const t0 = Date.now() + 500;
  const fire = async (i: number, due: number) => {
    const lag = Date.now() - due;
    const res = await pools[Math.floor(i / PER_ONBOARDING) % ONBOARDINGS]!.request({
      path: '/health',
      method: 'GET',
    });
    await res.body.text();
    if (!measuring) return;
    executions++;
    lags.push(lag);
    if (res.statusCode !== 200) notPassed++;
  };
  for (let i = 0; i < MONITORS; i++) {
    const first = t0 + phase(i);
    timers.push(
      setTimeout(() => {
        let due = first;
        void fire(i, due);
        timers.push(
          setInterval(() => {
            due += EVERY_MS;
            void fire(i, due);
          }, EVERY_MS),
        );
      }, first - Date.now()),
    );
  }
  try {
    await sleep(t0 - Date.now() + WARMUP_MS);
    measuring = true;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(SECONDS * 1000 - WARMUP_MS);
    measuring = false;
    const windowMs = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    return { executions, windowMs, lags, cpuMs: (cpu.user + cpu.system) / 1000, notPassed };
  } finally {
    for (const t of timers) clearInterval(t);
    await Promise.all(pools.map((p) => p.close()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function row(name: string, f: Figures, base?: Figures): string {
  f.lags.sort((a, b) => a - b);
  const perMin = (f.executions / f.windowMs) * 60_000;
  const cpuUs = (f.cpuMs * 1000) / Math.max(1, f.executions);
  const baseCpuUs = base ? (base.cpuMs * 1000) / Math.max(1, base.executions) : cpuUs;
  const lag = (p: number) => percentile(f.lags, p).toFixed(0);
  return `| ${name} | ${Math.round(perMin).toLocaleString('en-US')} | ${lag(50)} / ${lag(99)} / ${lag(100)} | ${cpuUs.toFixed(0)} | ${(cpuUs / baseCpuUs).toFixed(2)}x | ${f.notPassed} |`;
}

const target = await startTarget();
try {
  const offered = (MONITORS / EVERY_MS) * 60_000;
  console.log(
    `${MONITORS} monitors (${ONBOARDINGS} onboardings × ${PER_ONBOARDING}) every ${EVERY_MS} ms: offered ${Math.round(offered).toLocaleString('en-US')}/min; ${SECONDS} s each, first ${WARMUP_MS / 1000} s left out; queue concurrency ${CONCURRENCY}\n`,
  );
  const base = ONLY === 'gangway' ? undefined : await baseline(target.url);
  const ours = await gangway(target.url);
  console.log('| | executions/min | lag p50 / p99 / max ms | CPU µs/execution | CPU ratio | not passed |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  if (base) console.log(row('setInterval + undici (baseline)', base));
  console.log(row('Gangway monitors (durable jobs)', ours, base));
} finally {
  target.child.kill();
}
