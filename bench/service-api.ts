// Latency of the service's main read endpoints with 100k stored check results (2 000 runs × 50, 10
// partners), on SQLite and on PostgreSQL, with an admin and with a partner token. The baseline is the same
// data work straight through the store (and the gate function) in this process, without HTTP: the ratio is
// what HTTP, authentication, validation and response shaping add.
// Run: node --import tsx bench/service-api.ts [requests=200] [sqlite|postgres]
// Requests are sequential on one keep-alive connection; HTTP and baseline samples are interleaved so drift
// on a shared machine hits both sides alike.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { percentile } from '../src/core/stats.js';
import { stageGate } from '../src/service/gates.js';
import { startServer } from '../src/service/runtime.js';
import type { Store } from '../src/store/index.js';
import { notesPlaybook } from '../test/service/support.js';
import { BULK, insertBulkResults } from '../test/support/bulk-results.js';
import { startPostgres } from '../test/support/postgres.js';

const N = Number(process.argv[2] ?? 200);
const ONLY = process.argv[3];
const PARTNERS = 10;
const ENV = { GANGWAY_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') };
const T0 = Date.parse('2026-01-05T09:00:00.000Z');

interface Seeded {
  partnerIds: string[];
  onboardingIds: string[];
  /** A run of each partner (index = partner). */
  runIds: string[];
}

/** Partners, onboardings and audit events through the store; runs and results in bulk (as test/store/scale.ts). */
async function seed(store: Store, versionId: string): Promise<Seeded> {
  const partnerIds: string[] = [];
  const onboardingIds: string[] = [];
  for (let p = 0; p < PARTNERS; p++) {
    const partner = await store.partners.create({ name: `Partner ${p}`, actor: 'bench' });
    const onboarding = await store.onboardings.create({
      partnerId: partner.id,
      playbookVersionId: versionId,
      stage: 'readiness',
      actor: 'bench',
    });
    partnerIds.push(partner.id);
    onboardingIds.push(onboarding.id);
  }
  // Audited writes, so a page of 100 audit events is full.
  for (let i = 0; i < 150; i++) await store.secrets.put('global', `bench_${i}`, 'x', { actor: 'bench' });
  const runIds = await insertBulkResults(
    store,
    partnerIds.map((partnerId, p) => ({ onboardingId: onboardingIds[p]!, partnerId, versionId })),
    { t0: T0, prefix: 'bench' },
  );
  // Fresh statistics, as autovacuum would have them on a live server.
  if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
  return { partnerIds, onboardingIds, runIds: partnerIds.map((_, p) => runIds[1200 + p]!) };
}

/** One endpoint: its HTTP request(s) and the same data work through the store. */
interface Case {
  name: string;
  samples?: number;
  http(get: (path: string) => Promise<unknown>): Promise<unknown>;
  direct(): Promise<unknown>;
}

/** The cases for a caller: `scope` is the partner a partner token is limited to (undefined for admin). */
function cases(
  store: Store,
  server: Awaited<ReturnType<typeof startServer>>,
  s: Seeded,
  scope?: number,
): Case[] {
  const p = scope ?? 3;
  const partnerId = s.partnerIds[p]!;
  const only = scope === undefined ? {} : { partnerId };
  const ctx = server.runtime.ctx;
  const pages = async (next: (cursor: string | undefined) => Promise<string | undefined>) => {
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) cursor = await next(cursor);
  };
  const list: Case[] = [
    {
      name: 'GET /runs (first page)',
      http: (get) => get('/api/v1/runs'),
      direct: () => store.runs.list({ ...only, limit: 50 }),
    },
    {
      name: 'GET /runs, 5 pages by cursor',
      http: (get) =>
        pages(async (cursor) => {
          const page = (await get(
            `/api/v1/runs${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
          )) as { nextCursor?: string };
          return page.nextCursor;
        }),
      direct: () =>
        pages(async (cursor) => (await store.runs.list({ ...only, limit: 50, cursor })).nextCursor),
    },
    {
      name: 'GET /runs?partnerId=',
      http: (get) => get(`/api/v1/runs?partnerId=${partnerId}`),
      direct: () => store.runs.list({ partnerId, limit: 50 }),
    },
    {
      name: 'GET /runs/{id}/results (50)',
      http: (get) => get(`/api/v1/runs/${s.runIds[p]}/results`),
      direct: async () => [await store.runs.get(s.runIds[p]!), await store.results.ofRun(s.runIds[p]!)],
    },
    {
      name: 'GET /results?checkId=&outcome=failed',
      http: (get) => get('/api/v1/results?checkId=load%3A3&outcome=failed'),
      direct: () => store.results.list({ ...only, checkId: 'load:3', outcome: 'failed', limit: 50 }),
    },
    {
      name: 'GET /onboardings/{id}/gates/{stage}',
      http: (get) => get(`/api/v1/onboardings/${s.onboardingIds[p]}/gates/sandbox`),
      direct: async () => {
        const onboarding = await store.onboardings.get(s.onboardingIds[p]!);
        return onboarding && stageGate(ctx, ctx.versions, onboarding, 'sandbox');
      },
    },
    {
      name: 'GET /metrics (JSON)',
      samples: Math.min(N, 50), // a whole-table aggregate: tens of ms each
      http: (get) => get('/api/v1/metrics'),
      direct: () => store.metrics(only),
    },
  ];
  if (scope === undefined) {
    list.push({
      name: 'GET /audit?limit=100',
      http: (get) => get('/api/v1/audit?limit=100'),
      direct: () => store.audit.list({ afterSeq: 0, limit: 100 }),
    });
  }
  return list;
}

interface Figures {
  http: { p50: number; p95: number };
  direct: { p50: number; p95: number };
}

/** Interleaved samples of both sides after a short warm-up. */
async function measure(c: Case, get: (path: string) => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < 5; i++) {
    await c.http(get);
    await c.direct();
  }
  const h: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < (c.samples ?? N); i++) {
    let t = performance.now();
    await c.http(get);
    h.push(performance.now() - t);
    t = performance.now();
    await c.direct();
    d.push(performance.now() - t);
  }
  const stats = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
  };
  return { http: stats(h), direct: stats(d) };
}

/** A GET client on one keep-alive connection; anything but 200 aborts the bench. */
function client(pool: Pool, token: string): (path: string) => Promise<unknown> {
  return async (path) => {
    const res = await pool.request({ path, method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const body = (await res.body.json()) as unknown;
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(body)}`);
    return body;
  };
}

async function bench(kind: 'sqlite' | 'postgres'): Promise<void> {
  const pg = kind === 'postgres' ? await startPostgres() : undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'gangway-bench-api-'));
  const server = await startServer({
    dataDir,
    ...(pg && { databaseUrl: await pg.createDatabase() }),
    port: 0,
    worker: false,
    config: { version: 'bench' },
    env: ENV,
  });
  const pool = new Pool(server.url, { connections: 1 });
  try {
    const store = server.runtime.store;
    const admin = (await store.tokens.create({ role: 'admin', name: 'bench', actor: 'bench' })).token;
    const { api, playbookText, specText } = await notesPlaybook();
    await api.close();
    const pushed = await pool.request({
      path: '/api/v1/playbooks',
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ playbookText, specText }),
    });
    const { version } = (await pushed.body.json()) as { version: { id: string } };
    const t0 = performance.now();
    const seeded = await seed(store, version.id);
    console.log(
      `\n${kind}: seeded ${BULK.runs} runs, ${BULK.runs * BULK.perRun} results in ${Math.round(performance.now() - t0)} ms`,
    );
    const partner = (
      await store.tokens.create({
        role: 'partner',
        name: 'p3',
        partnerId: seeded.partnerIds[3]!,
        actor: 'bench',
      })
    ).token;

    const row = (name: string, f: Figures) =>
      `| ${name} | ${f.http.p50.toFixed(2)} / ${f.http.p95.toFixed(2)} | ${f.direct.p50.toFixed(2)} / ${f.direct.p95.toFixed(2)} | ${(f.http.p50 / f.direct.p50).toFixed(1)}x |`;
    for (const [who, token, scope] of [
      ['admin', admin, undefined],
      ['partner', partner, 3],
    ] as const) {
      console.log(`\n${kind}, ${who} token, ${N} requests (p50 / p95 ms):\n`);
      console.log('| endpoint | HTTP | store, no HTTP | HTTP / store p50 |');
      console.log('| --- | --- | --- | --- |');
      for (const c of cases(store, server, seeded, scope)) {
        console.log(row(c.name, await measure(c, client(pool, token))));
      }
    }
  } finally {
    await pool.close();
    await server.close();
    await pg?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  if (!ONLY || ONLY === kind) await bench(kind);
}
