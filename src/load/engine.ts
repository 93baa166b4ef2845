import { performance } from 'node:perf_hooks';
import { certainFailure } from './abort.js';
import { Recorder } from './recorder.js';
import { ArrivalSchedule } from './schedule.js';
import type { LoadPlan, LoadProgress, Step } from './types.js';

/** How a run ended. */
export type StopReason = 'done' | 'duration' | 'cancelled' | 'aborted';

export interface EngineOptions {
  plan: LoadPlan;
  step: Step;
  signal?: AbortSignal;
  /** Called about every progressMs with live figures. */
  onProgress?: (progress: LoadProgress) => void;
  progressMs?: number;
  /** Called every 100 ms with the live recorder (worker threads post it to the coordinator). */
  onTick?: (recorder: Recorder) => void;
}

export interface EngineRun {
  recorder: Recorder;
  elapsedMs: number;
  reason: StopReason;
  aborted?: { threshold: string; reason: string };
}

const DEFAULT_MAX_IN_FLIGHT = 10_000;
const TICK_MS = 100;

/**
 * Drives one step in this thread under the open or the closed model until the duration, the request
 * limit, a cancellation or a certain threshold failure. In the open model each latency runs from the
 * arrival's intended send time, so a stalled target shows in the percentiles however few requests were
 * in flight (no coordinated omission).
 */
export class Engine {
  readonly recorder = new Recorder();
  readonly planned: number | undefined;
  #issued = 0;
  #inFlight = 0;
  #stopped = false;
  #reason: StopReason = 'done';
  #aborted: EngineRun['aborted'];
  #t0 = 0;
  #end = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  #finish: (() => void) | undefined;
  readonly #o: EngineOptions;
  readonly #schedule: ArrivalSchedule | undefined;

  constructor(options: EngineOptions) {
    this.#o = options;
    const { model, maxRequests, durationMs } = options.plan;
    if (model.type === 'open') {
      this.#schedule = new ArrivalSchedule(model.startRate, model.stages, durationMs);
      this.planned = Math.min(this.#schedule.total, maxRequests ?? Number.POSITIVE_INFINITY);
    } else {
      this.planned = maxRequests;
    }
  }

  /** Runs to the end; resolves when every request in flight completed (or timed out). */
  async run(): Promise<EngineRun> {
    const { plan, signal } = this.#o;
    const finished = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
    this.#t0 = performance.now();
    const onAbort = () => this.stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    // The open model's schedule ends by itself; the timer bounds the closed model (and both, to the ms).
    const durationMs = plan.durationMs;
    const durationTimer =
      durationMs !== undefined ? setTimeout(() => this.stop('duration'), durationMs) : undefined;
    const ticker = this.#startTicker();
    if (signal?.aborted) this.stop('cancelled');
    else if (plan.model.type === 'open') this.#pump();
    else for (let i = 0; i < plan.model.vus; i++) this.#loop(plan.model.thinkTimeMs, i);
    await finished;
    clearTimeout(durationTimer);
    clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    return {
      recorder: this.recorder,
      elapsedMs: this.#end - this.#t0,
      reason: this.#reason,
      ...(this.#aborted && { aborted: this.#aborted }),
    };
  }

  /** Stops issuing; the run ends when the requests in flight complete (bounded by the step timeout). */
  stop(reason: StopReason, aborted?: EngineRun['aborted']): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    if (aborted) this.#aborted = aborted;
    this.#end = performance.now();
    clearTimeout(this.#timer);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    // A step that ignores its timeout must not hold the run forever.
    setTimeout(() => this.#finish?.(), this.#o.plan.timeoutMs + 1_000).unref();
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (!this.#stopped || this.#inFlight > 0) return;
    // Completions after the stop still count toward the elapsed time they took.
    this.#end = Math.max(this.#end, performance.now());
    this.#finish?.();
  }

  #done(intended: number, ok: boolean, status: number, errorClass: string | undefined): void {
    const now = performance.now();
    this.#inFlight -= 1;
    this.recorder.record((now - intended) * 1000, ok, status, errorClass, ((now - this.#t0) / 1000) | 0);
    if (this.#stopped) this.#maybeFinish();
  }

  /** Open model: sends every arrival that is due, then sleeps until the next one. */
  #pump = (): void => {
    this.#timer = undefined;
    const schedule = this.#schedule!;
    const total = this.planned!;
    const maxInFlight =
      (this.#o.plan.model.type === 'open' && this.#o.plan.model.maxInFlight) || DEFAULT_MAX_IN_FLIGHT;
    const step = this.#o.step;
    const now = performance.now() - this.#t0;
    let next = this.#issued < total ? schedule.timeOf(this.#issued) : Number.POSITIVE_INFINITY;
    while (!this.#stopped && next <= now) {
      const intended = this.#t0 + next;
      const k = this.#issued++;
      if (this.#inFlight >= maxInFlight) this.recorder.dropped += 1;
      else {
        this.#inFlight += 1;
        step.start(k, (ok, status, errorClass) => this.#done(intended, ok, status, errorClass), -1);
      }
      next = this.#issued < total ? schedule.timeOf(this.#issued) : Number.POSITIVE_INFINITY;
    }
    if (this.#stopped) return;
    if (this.#issued >= total) {
      this.stop('done');
      return;
    }
    this.#timer = setTimeout(this.#pump, Math.max(0, next - (performance.now() - this.#t0)));
  };

  /** Closed model: one virtual user; measures from the actual send (it waits for its own answer). */
  #loop(thinkMs: number, lane: number): void {
    const limit = this.#o.plan.maxRequests ?? Number.POSITIVE_INFINITY;
    if (this.#stopped) return;
    if (this.#issued >= limit) {
      this.stop('done');
      return;
    }
    const k = this.#issued++;
    this.#inFlight += 1;
    const started = performance.now();
    this.#o.step.start(
      k,
      (ok, status, errorClass) => {
        this.#done(started, ok, status, errorClass);
        if (this.#stopped) return;
        if (thinkMs <= 0) {
          this.#loop(thinkMs, lane);
          return;
        }
        const t = setTimeout(() => {
          this.#timers.delete(t);
          this.#loop(thinkMs, lane);
        }, thinkMs);
        this.#timers.add(t);
      },
      lane,
    );
  }

  #startTicker(): NodeJS.Timeout {
    const { plan, onProgress, onTick } = this.#o;
    const every = Math.max(TICK_MS, this.#o.progressMs ?? 1_000);
    let lastAt = this.#t0;
    let lastRequests = 0;
    return setInterval(() => {
      onTick?.(this.recorder);
      if (plan.abortOnFail && !this.#stopped) {
        for (const t of plan.thresholds) {
          const reason = certainFailure(t, this.#live(), this.planned);
          if (reason) {
            this.stop('aborted', { threshold: t.expression, reason });
            break;
          }
        }
      }
      const now = performance.now();
      if (onProgress && now - lastAt >= every - TICK_MS / 2) {
        const r = this.recorder;
        const dt = (now - lastAt) / 1000;
        const durationMs = plan.durationMs;
        onProgress({
          elapsedMs: now - this.#t0,
          ...(durationMs !== undefined && { plannedMs: durationMs }),
          requests: r.requests,
          errors: r.failed,
          rate: (r.requests - lastRequests) / dt,
          p95: r.latency.count ? r.latency.percentile(95) / 1000 : 0,
          inFlight: this.#inFlight,
        });
        lastAt = now;
        lastRequests = r.requests;
      }
    }, TICK_MS);
  }

  #live() {
    return { latency: this.recorder.latency, requests: this.recorder.requests, failed: this.recorder.failed };
  }
}
