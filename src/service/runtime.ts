import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createAddressGuard } from '../http/address-guard.js';
import { createPostgresJobQueue, createSqliteJobQueue, type JobQueue } from '../jobs/index.js';
import { openStore, type Store } from '../store/index.js';
import { buildApp } from './app.js';
import { STAGE_RUN_JOB, stageRunHandler } from './executor.js';
import { startOperations } from './ops/operations.js';
import { PlaybookVersions } from './playbooks.js';
import {
  DEFAULT_RETENTION,
  RETENTION_JOB,
  type RetentionSettings,
  retentionHandler,
  scheduleRetention,
} from './retention.js';
import { DEFAULT_CONFIG, type ServiceConfig, type ServiceContext } from './types.js';

export interface RuntimeOptions {
  /** postgres://… selects PostgreSQL; otherwise the SQLite file in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  config?: Partial<ServiceConfig>;
  /** Private, loopback or link-local targets runs may reach: true for all, or CIDRs. Default: none. */
  allowPrivateTargets?: boolean | readonly string[];
  /** Runs executed at once by this process's worker (default 2). */
  concurrency?: number;
  /** Operations jobs (monitor executions, timers, deliveries, actions) run at once (default 32). */
  opsConcurrency?: number;
  workerId?: string;
  /** Evidence and run-event retention in days (default 90 and 30). */
  retention?: Partial<RetentionSettings>;
  /**
   * A worker process silent this long is dead and its jobs go to the others (default 30 s). With
   * config.staleRunMs it bounds how soon a killed worker's run is taken over.
   */
  jobLeaseMs?: number;
  logger?: FastifyBaseLogger;
  env?: NodeJS.ProcessEnv;
}

/** The pieces every service process has: the store, the job queue, the parsed playbook versions. */
export interface Runtime {
  store: Store;
  jobs: JobQueue;
  /**
   * The operations lane: a second queue object on the same storage that takes only operations jobs, with its
   * own concurrency — many short network waits must not queue behind a few long stage runs, nor crowd them out.
   */
  opsJobs: JobQueue;
  ctx: ServiceContext;
  /** Runs before the store closes (after the queue stopped): for what a worker holds open. */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

/** Opens the store and the job queue matching it: SQLite file + embedded queue, or PostgreSQL + graphile-worker. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const store = await openStore({
    ...(options.databaseUrl && { url: options.databaseUrl }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.env && { env: options.env }),
  });
  const lease = options.jobLeaseMs === undefined ? {} : { leaseMs: options.jobLeaseMs };
  // The embedded queue keeps its own file beside the store's: better-sqlite3 is synchronous, and two
  // connections to one file in one process could wait on each other's write lock with the event loop blocked.
  const queue = () =>
    store.dialect === 'postgres'
      ? createPostgresJobQueue({ connectionString: options.databaseUrl ?? '', ...lease })
      : createSqliteJobQueue({ database: join(store.dataDir, 'jobs.db'), ...lease });
  const jobs = queue();
  const opsJobs = queue();
  const config: ServiceConfig = { ...DEFAULT_CONFIG, ...options.config };
  const ctx: ServiceContext = { store, jobs, config, versions: new PlaybookVersions(store), now: store.now };
  const closers: (() => Promise<void>)[] = [];
  return {
    store,
    jobs,
    opsJobs,
    ctx,
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      await Promise.all([jobs, opsJobs].map((q) => q.stop({ timeoutMs: 10_000 }).catch(() => undefined)));
      await Promise.all([jobs, opsJobs].map((q) => q.close().catch(() => undefined)));
      for (const fn of closers) await fn().catch(() => undefined);
      await ctx.versions.close();
      await store.close();
    },
  };
}

/** Operations jobs a worker runs at once unless told otherwise. */
export const DEFAULT_OPS_CONCURRENCY = 32;

/** Starts executing queued runs in this process. */
export async function startWorking(runtime: Runtime, options: RuntimeOptions): Promise<string> {
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const allowPrivate = options.allowPrivateTargets ?? false;
  const operations = startOperations(runtime, {
    outbound: (hosts) => createAddressGuard({ allowHosts: hosts, allowPrivate }),
  });
  runtime.onClose(() => operations.close());
  await runtime.jobs.start(
    {
      [STAGE_RUN_JOB]: stageRunHandler({
        store: runtime.store,
        versions: runtime.ctx.versions,
        workerId,
        version: runtime.ctx.config.version,
        staleRunMs: runtime.ctx.config.staleRunMs,
        outbound: (hosts) => createAddressGuard({ allowHosts: hosts, allowPrivate }),
        ...(options.concurrency && { concurrency: options.concurrency }),
      }),
      [RETENTION_JOB]: retentionHandler(runtime.store, runtime.jobs, {
        ...DEFAULT_RETENTION,
        ...options.retention,
      }),
    },
    { concurrency: options.concurrency ?? 8, workerId },
  );
  // Monitors and deliveries wait on the network, not the CPU: many more slots than runs. Its own worker id, as
  // a restarted worker releases what its predecessor of the same id held.
  await runtime.opsJobs.start(operations.handlers, {
    concurrency: options.opsConcurrency ?? DEFAULT_OPS_CONCURRENCY,
    workerId: `${workerId}:ops`,
  });
  await scheduleRetention(runtime.jobs);
  await operations.afterStart();
  return workerId;
}

/** `gangway serve`: the API on a port; with SQLite it also executes runs (the embedded worker). */
export async function startServer(
  options: RuntimeOptions & { host?: string; port?: number; worker?: boolean },
): Promise<{ app: FastifyInstance; url: string; runtime: Runtime; close(): Promise<void> }> {
  const runtime = await openRuntime(options);
  try {
    const app = await buildApp(runtime.ctx, { ...(options.logger && { logger: options.logger }) });
    const works = options.worker ?? runtime.store.dialect === 'sqlite';
    if (works) await startWorking(runtime, options);
    const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
    return {
      app,
      url: address,
      runtime,
      async close() {
        await app.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
