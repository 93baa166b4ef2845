import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { certainFailure } from './abort.js';
import type { StopReason } from './engine.js';
import { Histogram, type HistogramData } from './histogram.js';
import { Recorder, type RecorderData } from './recorder.js';
import { ArrivalSchedule } from './schedule.js';
import type { HttpStepSpec, LoadPlan, LoadProgress } from './types.js';

/** What a worker thread receives. */
export interface WorkerInput {
  plan: LoadPlan;
  step: HttpStepSpec;
}

/** What a worker thread posts: live figures every 100 ms, then its whole recorder. */
export type WorkerMessage =
  | { type: 'tick'; latency: HistogramData; requests: number; failed: number }
  | { type: 'done'; recorder: RecorderData; elapsedMs: number; reason: StopReason };

export interface WorkersRun {
  recorder: Recorder;
  elapsedMs: number;
  reason: StopReason;
  aborted?: { threshold: string; reason: string };
  workers: number;
}

/** Splits a plan into `n` shares: the rate, the users and the request limit divided between threads. */
export function sharePlan(plan: LoadPlan, n: number): LoadPlan[] {
  const shares: LoadPlan[] = [];
  for (let i = 0; i < n; i++) {
    const model =
      plan.model.type === 'open'
        ? {
            ...plan.model,
            startRate: plan.model.startRate / n,
            stages: plan.model.stages.map((s) => ({ ...s, target: s.target / n })),
            ...(plan.model.maxInFlight && { maxInFlight: Math.ceil(plan.model.maxInFlight / n) }),
          }
        : { ...plan.model, vus: Math.floor(plan.model.vus / n) + (i < plan.model.vus % n ? 1 : 0) };
    const maxRequests =
      plan.maxRequests === undefined
        ? undefined
        : Math.floor(plan.maxRequests / n) + (i < plan.maxRequests % n ? 1 : 0);
    shares.push({
      ...plan,
      model,
      abortOnFail: false,
      workers: 1,
      ...(maxRequests !== undefined && { maxRequests }),
    });
  }
  return shares;
}

/**
 * Starts the worker entry. From the TypeScript sources (tests, benches under tsx) the thread registers
 * tsx itself first: Node 20 does not apply the parent's --import loader hooks to a worker's entry file.
 */
function startWorker(input: WorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`;
  return new Worker(code, { eval: true, workerData: input });
}

function plannedOf(share: LoadPlan): number | undefined {
  if (share.model.type === 'closed') return share.maxRequests;
  const total = new ArrivalSchedule(share.model.startRate, share.model.stages, share.durationMs).total;
  return Math.min(total, share.maxRequests ?? Number.POSITIVE_INFINITY);
}

/**
 * Runs the raw HTTP step in `n` worker threads and merges their recorders exactly (histogram counts
 * add up). The coordinator decides certain threshold failures from the threads' live figures, and
 * terminates any thread still running well after the plan's end.
 */
export async function runWorkers(
  plan: LoadPlan,
  step: HttpStepSpec,
  n: number,
  options: { signal?: AbortSignal; onProgress?: (p: LoadProgress) => void; progressMs?: number },
): Promise<WorkersRun> {
  const shares = sharePlan(plan, n).filter((s) => s.model.type === 'open' || s.model.vus > 0);
  const plannedParts = shares.map(plannedOf);
  const planned = plannedParts.some((p) => p === undefined)
    ? undefined
    : plannedParts.reduce<number>((a, b) => a + (b ?? 0), 0);
  const live: ({ latency: Histogram; requests: number; failed: number } | undefined)[] = [];
  let aborted: WorkersRun['aborted'];
  let cancelled = false;
  const t0 = performance.now();
  const workers = shares.map((share) => startWorker({ plan: share, step }));
  const stopAll = (reason: 'aborted' | 'cancelled') => {
    for (const w of workers) w.postMessage({ type: 'stop', reason });
  };
  const onAbort = () => {
    cancelled = true;
    stopAll('cancelled');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const merged = () => {
    const latency = new Histogram();
    let requests = 0;
    let failed = 0;
    for (const l of live) {
      if (!l) continue;
      latency.add(l.latency);
      requests += l.requests;
      failed += l.failed;
    }
    return { latency, requests, failed };
  };
  const onTick = () => {
    if (!plan.abortOnFail || aborted || cancelled) return;
    const state = merged();
    for (const t of plan.thresholds) {
      const reason = certainFailure(t, state, planned);
      if (reason) {
        aborted = { threshold: t.expression, reason };
        stopAll('aborted');
        return;
      }
    }
  };
  // Checking on every tick of every thread would merge n histograms n times per 100 ms; once is enough.
  const checker = setInterval(onTick, 100);
  let lastAt = t0;
  let lastRequests = 0;
  const progress = setInterval(
    () => {
      const state = merged();
      const now = performance.now();
      const durationMs = plan.durationMs;
      options.onProgress?.({
        elapsedMs: now - t0,
        ...(durationMs !== undefined && { plannedMs: durationMs }),
        requests: state.requests,
        errors: state.failed,
        rate: ((state.requests - lastRequests) * 1000) / (now - lastAt),
        p95: state.latency.count ? state.latency.percentile(95) / 1000 : 0,
        inFlight: 0,
      });
      lastAt = now;
      lastRequests = state.requests;
    },
    Math.max(100, options.progressMs ?? 1_000),
  );
  const bound = (plan.durationMs ?? 0) + plan.timeoutMs + 10_000;
  try {
    const results = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<Extract<WorkerMessage, { type: 'done' }>>((resolve, reject) => {
            const kill = setTimeout(
              () => void w.terminate(),
              plan.durationMs === undefined ? 3_600_000 : bound,
            );
            w.on('message', (m: WorkerMessage) => {
              if (m.type === 'tick') {
                live[i] = { latency: Histogram.from(m.latency), requests: m.requests, failed: m.failed };
              } else {
                clearTimeout(kill);
                resolve(m);
              }
            });
            w.on('error', (e) => {
              clearTimeout(kill);
              reject(e);
            });
            w.on('exit', (code) => {
              clearTimeout(kill);
              reject(new Error(`load worker ${i + 1} exited (${code}) before reporting`));
            });
          }),
      ),
    );
    const recorder = new Recorder();
    for (const r of results) recorder.add(Recorder.from(r.recorder));
    const reason: StopReason = aborted ? 'aborted' : cancelled ? 'cancelled' : (results[0]?.reason ?? 'done');
    return {
      recorder,
      elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
      reason,
      ...(aborted && { aborted }),
      workers: workers.length,
    };
  } finally {
    clearInterval(checker);
    clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
