// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Notification delay after an escalation deadline with many open incidents (issue 6: 10 000 open incidents,
// goal p99 < 1 s). One service process (embedded SQLite store + embedded queue, the service's operations
// handlers, the operations lane's default concurrency as `startWorking`), a signed-webhook receiver on 127.0.0.1. Every incident
// is opened through the incident engine (applySignal: store.incidents.open + the state machine's first
// step written with its timers) with a clock set so its level-2 escalation timer is due at
// T + i × SPREAD / N: all deadlines fall within SPREAD ms. The level-1 deliveries of the trigger are not
// queued (they would be sent before T and are not what is measured). Measured: for each incident, the
// level-2 webhook's arrival at the receiver minus its timer's due time.
// Baseline in the same script: the same signed webhook bodies POSTed to the same receiver directly by
// timers at the same due times (no store, no queue, no state machine).
// Run: node --import tsx bench/ops-notify.ts [incidents=10000] [spreadMs=30000] [concurrency=32] [leadMs=40000]
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from '../src/core/stats.js';
import { createAddressGuard } from '../src/http/address-guard.js';
import type { AddJobOptions } from '../src/jobs/index.js';
import { signWebhook } from '../src/notify/signature.js';
import { webhookBody } from '../src/notify/webhook.js';
import { applySignal, INCIDENT_TIMER_JOB } from '../src/service/ops/incident-engine.js';
import { startOperations } from '../src/service/ops/operations.js';
import { DEFAULT_OPS_CONCURRENCY, openRuntime } from '../src/service/runtime.js';

const INCIDENTS = Number(process.argv[2] ?? 10_000);
/**
 * Deadlines follow detection, and detection follows the monitors' interval: a storm of 10 000 incidents opened
 * by the same outage within a minute brings its deadlines within about that minute. Default 30 s (333/s);
 * pass 3000 for an all-at-once burst beyond that (docs/BENCHMARKS.md has both).
 */
const SPREAD_MS = Number(process.argv[3] ?? 30_000);
const CONCURRENCY = Number(process.argv[4] ?? DEFAULT_OPS_CONCURRENCY);
const PARTNERS = 10;
/** Level 2 is notified this long after the trigger; seeding must finish within it. */
const LEVEL2_AFTER_MS = Number(process.argv[5] ?? 40_000);
/** Deliveries still missing this long after the last deadline are reported as missing. */
const WAIT_MS = 60_000;
const HOOK_KEY = 'whsec-bench-7d2e';
const ENV = { GANGWAY_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') };

function playbook(hookUrl: string): string {
  return `playbook: bench-notify
version: 1.0.0
environments:
  live: { baseUrl: "http://127.0.0.1:9" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
  - { id: api-health, check: { health: { path: /health } }, environment: live, every: 1m }
detectors:
  - { kind: availability, severity: SEV1, failures: 3, window: 5m }
severities:
  SEV1: { acknowledge: 4h, resolve: 8h }
escalation:
  SEV1:
    levels:
      - { notify: [level1] }
      - { notify: [level2], after: ${LEVEL2_AFTER_MS / 1000}s }
notifiers:
  level1: { type: webhook, url: "${hookUrl}/l1", secret: "\${secret.hook_key}" }
  level2: { type: webhook, url: "${hookUrl}/l2", secret: "\${secret.hook_key}" }
`;
}

/** A webhook receiver recording when each incident's notification arrived (wall clock ms). */
async function startReceiver(): Promise<{ server: Server; url: string; arrivals: Map<string, number> }> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { incident?: { id?: string } };
      const id = body.incident?.id;
      if (id && req.url?.endsWith('/l2') && !arrivals.has(id)) arrivals.set(id, at);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

interface Figures {
  delays: number[];
  missing: number;
  /** From the first deadline to the last arrival. */
  drainMs: number;
  cpuMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Waits until every due incident has an arrival (or WAIT_MS after the last deadline); delays in ms. */
async function collect(
  arrivals: Map<string, number>,
  dues: Map<string, number>,
  cpu0: NodeJS.CpuUsage,
): Promise<Figures> {
  const first = Math.min(...dues.values());
  const last = Math.max(...dues.values());
  const arrived = () => {
    let n = 0;
    for (const id of dues.keys()) if (arrivals.has(id)) n++;
    return n;
  };
  while (arrived() < dues.size && Date.now() < last + WAIT_MS) await sleep(100);
  const cpu = process.cpuUsage(cpu0);
  const delays: number[] = [];
  let lastArrival = first;
  for (const [id, due] of dues) {
    const at = arrivals.get(id);
    if (at === undefined) continue;
    delays.push(at - due);
    lastArrival = Math.max(lastArrival, at);
  }
  delays.sort((a, b) => a - b);
  return {
    delays,
    missing: dues.size - delays.length,
    drainMs: lastArrival - first,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function gangway(hookUrl: string, arrivals: Map<string, number>): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gangway-bench-notify-'));
  const runtime = await openRuntime({ dataDir, config: { version: 'bench' }, env: ENV });
  try {
    const { store, jobs, ctx } = runtime;
    await store.secrets.put('global', 'hook_key', HOOK_KEY, { actor: 'bench' });
    const { version } = await store.playbooks.put({
      name: 'bench-notify',
      playbookText: playbook(hookUrl),
      actor: 'bench',
    });
    const { playbook: loaded } = await ctx.versions.get(version.id);
    const scopes = [];
    for (let p = 0; p < PARTNERS; p++) {
      const partner = await store.partners.create({ name: `Partner ${p}`, actor: 'bench' });
      const onboarding = await store.onboardings.create({
        partnerId: partner.id,
        playbookVersionId: version.id,
        stage: 'live',
        actor: 'bench',
      });
      scopes.push({
        onboardingId: onboarding.id,
        partnerId: partner.id,
        playbookVersionId: version.id,
        ops: loaded.ops,
      });
    }
    // Deadline i is T + i × SPREAD / N; the trigger's clock is set LEVEL2_AFTER_MS before it.
    const T = Date.now() + LEVEL2_AFTER_MS;
    const dueOf = (i: number) => T + Math.floor((i * SPREAD_MS) / INCIDENTS);
    let fakeNow = 0;
    const dues = new Map<string, number>();
    /** The level-2 timer of the incident being seeded (set by seedJobs.add). */
    const seen: { runAt?: number } = {};
    const seedJobs = {
      // Timers go to the real queue; the trigger's level-1 deliveries are dropped (not measured).
      async add(name: string, payload: unknown, options: AddJobOptions = {}) {
        if (name === INCIDENT_TIMER_JOB) {
          const runAt = options.runAt?.getTime() ?? fakeNow;
          if (runAt < fakeNow + LEVEL2_AFTER_MS + 1) seen.runAt = runAt;
          return jobs.add(name, payload, options);
        }
        return { id: 'dropped', name, key: options.key ?? null, runAt: options.runAt ?? new Date() };
      },
      remove: (key: string) => jobs.remove(key),
    };
    const seedStart = performance.now();
    for (let i = 0; i < INCIDENTS; i++) {
      fakeNow = dueOf(i) - LEVEL2_AFTER_MS;
      seen.runAt = undefined;
      const incident = await applySignal(
        { store, jobs: seedJobs, versions: ctx.versions, now: () => fakeNow },
        scopes[i % PARTNERS]!,
        {
          type: 'trigger',
          detectorId: 'availability',
          detectorKind: 'availability',
          dedupKey: `bench:${i}`,
          severity: 'SEV1',
          title: `Bench incident ${i}`,
          summary: 'api-health failed 3 times in 5m',
          signature: 'availability:api-health',
          at: fakeNow,
          monitorId: 'api-health',
          environment: 'live',
          details: {},
        },
      );
      if (!incident || seen.runAt === undefined)
        throw new Error(`incident ${i}: no level-2 timer was scheduled`);
      dues.set(incident.id, seen.runAt);
    }
    const seedMs = performance.now() - seedStart;
    console.log(
      `seeded ${INCIDENTS} open incidents with their timers in ${(seedMs / 1000).toFixed(1)} s (${Math.round(INCIDENTS / (seedMs / 1000))}/s)`,
    );
    if (Date.now() > T - 2_000)
      console.log('warning: seeding overran the lead time; first deadlines are late');
    const operations = startOperations(runtime, {
      outbound: (hosts) => createAddressGuard({ allowHosts: hosts, allowPrivate: ['127.0.0.0/8'] }),
    });
    let failures = 0;
    jobs.on('job:failed', (e) => {
      if (failures++ === 0) console.log(`first failed job: ${e.name}: ${e.error}`);
    });
    await jobs.start(operations.handlers, { concurrency: CONCURRENCY, workerId: 'bench' });
    await sleep(T - Date.now() - 1_000);
    return await collect(arrivals, dues, process.cpuUsage());
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The same signed bodies POSTed by plain timers at the same due times. */
async function baseline(hookUrl: string, arrivals: Map<string, number>): Promise<Figures> {
  const pool = new Pool(hookUrl, { connections: CONCURRENCY });
  const T = Date.now() + 2_000;
  const dues = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < INCIDENTS; i++) {
    const id = `baseline-${i}`;
    const due = T + Math.floor((i * SPREAD_MS) / INCIDENTS);
    dues.set(id, due);
    timers.push(
      setTimeout(async () => {
        const body = JSON.stringify(
          webhookBody({
            deliveryKey: `${id}:1:2`,
            event: 'escalated',
            at: new Date().toISOString(),
            text: `Bench incident ${i}: not acknowledged, level 2 notified`,
            level: 2,
            incident: {
              id,
              title: `Bench incident ${i}`,
              severity: 'SEV1',
              status: 'triggered',
              summary: 'api-health failed 3 times in 5m',
              dedupKey: `bench:${i}`,
              signature: 'availability:api-health',
              environment: 'live',
              components: ['api-health'],
              triggeredAt: new Date(due - LEVEL2_AFTER_MS).toISOString(),
            },
          }),
        );
        const res = await pool.request({
          path: '/l2',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'gangway-signature': signWebhook(HOOK_KEY, body, Date.now()),
          },
          body,
        });
        await res.body.text();
      }, due - Date.now()),
    );
  }
  try {
    return await collect(arrivals, dues, process.cpuUsage());
  } finally {
    for (const t of timers) clearTimeout(t);
    await pool.close();
  }
}

function row(name: string, f: Figures): string {
  const p = (q: number) => (f.delays.length ? percentile(f.delays, q).toFixed(0) : '—');
  return `| ${name} | ${f.delays.length} | ${f.missing} | ${p(50)} / ${p(99)} / ${p(100)} | ${(f.drainMs / 1000).toFixed(1)} s | ${((f.cpuMs * 1000) / Math.max(1, f.delays.length)).toFixed(0)} |`;
}

const receiver = await startReceiver();
try {
  console.log(
    `${INCIDENTS} open incidents, level-2 deadlines spread over ${SPREAD_MS} ms (${Math.round((INCIDENTS / SPREAD_MS) * 1000)}/s), queue concurrency ${CONCURRENCY}\n`,
  );
  const base = await baseline(receiver.url, receiver.arrivals);
  const ours = await gangway(receiver.url, receiver.arrivals);
  console.log(
    '\n| | delivered | missing | delay after deadline p50 / p99 / max ms | first deadline → last arrival | CPU µs/delivery |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('timers + undici POST (baseline)', base));
  console.log(row('Gangway: timer job → notify job → webhook', ours));
  const ratio = percentile(ours.delays, 99) / Math.max(1, percentile(base.delays, 99));
  console.log(`\np99 ratio Gangway / baseline: ${ratio.toFixed(1)}x`);
} finally {
  receiver.server.closeAllConnections();
  await new Promise((r) => receiver.server.close(r));
}
