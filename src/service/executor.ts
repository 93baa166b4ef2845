import type { LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkKindsByName } from '../checks/index.js';
import { errorMessage, GangwayError } from '../core/errors.js';
import type { CheckResult } from '../core/result.js';
import type { JobHandler } from '../jobs/index.js';
import { type ReferenceResolver, resolveValue } from '../playbook/references.js';
import type { Playbook } from '../playbook/schema.js';
import { createResolver, mapSecretSource } from '../playbook/secrets.js';
import type { RunEvent } from '../runner/events.js';
import { detachedClient, prepareTarget } from '../runner/prepare.js';
import { runStage } from '../runner/run-stage.js';
import type { FinalRunStatus, Run, Store } from '../store/index.js';
import { partnerSecrets } from './partner-secrets.js';
import type { PlaybookVersions } from './playbooks.js';
import { createEventCompactor } from './run-events.js';

export const STAGE_RUN_JOB = 'stage-run';

export interface ExecutorDeps {
  store: Store;
  versions: PlaybookVersions;
  workerId: string;
  version: string;
  /** A running run whose worker has not beaten for this long is taken over. */
  staleRunMs: number;
  /** Builds the outbound guard (SSRF) for the hosts a playbook's environments resolve to. */
  outbound?: (hosts: string[]) => { lookup: LookupFunction; checkUrl(url: string): Promise<void> };
  /** Checks run at once inside a run (default 2). */
  concurrency?: number;
}

const FLUSH_MS = 150;
const FINAL_STATUSES: ReadonlySet<string> = new Set(['passed', 'failed', 'errored']);

/**
 * The job that executes a queued run: takes it (or takes it over from a dead worker), runs the stage
 * with the engine the CLI uses, streams compact progress events to the store, and writes every result
 * and the verdict in one transaction at the end — a worker killed at any point leaves either nothing or
 * the whole run, and the job runs again.
 */
export function stageRunHandler(deps: ExecutorDeps): JobHandler {
  const actor = `worker ${deps.workerId}`;
  return async ({ payload, signal }) => {
    const { store } = deps;
    const runId = (payload as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'string') throw new GangwayError('job.payload', 'a stage-run job names no runId');
    const run = await takeRun(deps, runId, actor, signal);
    if (!run) return; // finished, or gone: nothing to do
    const heartbeat = setInterval(
      () => void store.runs.heartbeat(run.id, deps.workerId).catch(() => undefined),
      Math.max(1000, Math.floor(deps.staleRunMs / 4)),
    );
    const events = new EventBuffer(store, run.id);
    try {
      const { status, results } = await execute(deps, run, signal, events);
      await events.close();
      await store.runs.complete(run.id, { workerId: deps.workerId, status, results, actor });
    } catch (error) {
      // The queue stopping (signal aborted) or a database failure: the job runs again and takes the run over.
      await events.close().catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  };
}

/**
 * Takes the run, or waits while another worker holds it until the run is final (undefined: nothing to do)
 * or that worker has been silent for staleRunMs (taken over). Waiting inside the job, not failing the
 * attempt: a dead worker's job is released after the queue's lease (30 s by default), long before its run
 * is stale (60 s), and retries with backoff would spend the job's few attempts in between, leaving the run
 * `running` forever.
 */
async function takeRun(
  deps: ExecutorDeps,
  runId: string,
  actor: string,
  signal: AbortSignal,
): Promise<Run | undefined> {
  const pollMs = Math.min(5_000, Math.max(250, Math.floor(deps.staleRunMs / 8)));
  for (;;) {
    const run = await deps.store.runs.start(runId, {
      workerId: deps.workerId,
      actor,
      staleMs: deps.staleRunMs,
    });
    if (run) return run;
    const current = await deps.store.runs.get(runId);
    if (!current || FINAL_STATUSES.has(current.status)) return undefined;
    // Running elsewhere (or, in a race, queued or interrupted again): look again shortly.
    try {
      await sleep(pollMs, undefined, { signal });
    } catch {
      // The queue is stopping: the job is released and tried again later.
      throw new GangwayError('run.busy', `run ${runId} is running on ${current.workerId}; retrying later`);
    }
  }
}

async function execute(
  deps: ExecutorDeps,
  run: Run,
  signal: AbortSignal,
  events: EventBuffer,
): Promise<{ status: FinalRunStatus; results: CheckResult[] }> {
  let loaded: Awaited<ReturnType<PlaybookVersions['get']>>;
  try {
    loaded = await deps.versions.get(run.playbookVersionId);
  } catch (error) {
    events.push({ type: 'run.error', data: { message: errorMessage(error) } });
    return { status: 'errored', results: [] };
  }
  const { playbook, spec } = loaded;
  const stage = playbook.stages.find((s) => s.id === run.stage);
  if (!stage) {
    events.push({
      type: 'run.error',
      data: { message: `stage ${run.stage} is not in the playbook version` },
    });
    return { status: 'errored', results: [] };
  }
  const secrets = await partnerSecrets(deps.store, run.partnerId);
  const resolver = createResolver(mapSecretSource(secrets), Object.fromEntries(secrets));
  const guard = deps.outbound?.(declaredHosts(playbook, resolver));
  const prepare = async (name: string) => {
    const target = await prepareTarget(playbook, name, {
      resolver,
      version: deps.version,
      allowFiles: false,
      ...(guard && { lookup: guard.lookup }),
    });
    if (guard) await guard.checkUrl(target.environment.baseUrl);
    return target;
  };
  let target: Awaited<ReturnType<typeof prepareTarget>> | undefined;
  try {
    target = run.environment ? await prepare(run.environment) : undefined;
  } catch (error) {
    // A missing secret, an unreadable certificate, a refused address: the run cannot start. The message
    // names what is missing, never a value.
    events.push({ type: 'run.error', data: { message: errorMessage(error) } });
    return { status: 'errored', results: [] };
  }
  const compact = createEventCompactor();
  const client = target ?? detachedClient(deps.version);
  try {
    const report = await runStage({
      playbook,
      stage,
      ...(target && { environment: target.environment }),
      ...(spec && { spec }),
      kinds: checkKindsByName,
      http: client.http,
      redactor: client.redactor,
      otherEnvironment: (name) => prepare(name),
      baseDir: playbook.baseDir,
      seed: Math.floor(Math.random() * 2 ** 31),
      concurrency: deps.concurrency ?? 2,
      signal,
      listeners: [(event: RunEvent) => events.push(compact(event))],
      version: deps.version,
    });
    if (report.interrupted) throw new GangwayError('run.interrupted', 'the worker is stopping');
    return { status: report.outcome === 'passed' ? 'passed' : 'failed', results: report.checks };
  } finally {
    await client.http.close();
  }
}

/** Batches progress events into the store every FLUSH_MS (one insert per batch, in order). */
class EventBuffer {
  #pending: { type: string; data: unknown }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly runId: string,
  ) {}

  push(event: { type: string; data: unknown } | undefined): void {
    if (!event) return;
    this.#pending.push(event);
    this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush(): Promise<unknown> {
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) {
      this.#chain = this.#chain
        .then(() => this.store.runs.appendEvents(this.runId, batch))
        .catch(() => undefined);
    }
    return this.#chain;
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    await this.#flush();
  }
}

/** Every host the playbook names: environments (base URLs, absolute token URLs, references resolved) and check dependencies. */
export function declaredHosts(playbook: Playbook, resolver: ReferenceResolver): string[] {
  const hosts = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    try {
      hosts.add(new URL(value).hostname.replace(/^\[|\]$/g, ''));
    } catch {
      // a relative token URL (on the base URL's host) or not a URL
    }
  };
  for (const declared of Object.values(playbook.environments)) {
    let env: typeof declared;
    try {
      env = resolveValue(declared, resolver).value;
    } catch {
      continue; // a missing secret: the run that needs this environment reports it
    }
    add(env.baseUrl);
    add((env.auth as { tokenUrl?: unknown } | undefined)?.tokenUrl);
  }
  // The resilience check puts a fault proxy in front of a dependency the playbook names.
  for (const stage of playbook.stages) {
    for (const entry of stage.checks) {
      add((entry.options as { dependency?: { upstream?: unknown } } | undefined)?.dependency?.upstream);
    }
  }
  return [...hosts];
}
