import { availableParallelism } from 'node:os';
import { InputError } from '../core/errors.js';
import { createAddressGuard } from '../http/address-guard.js';
import { Engine } from './engine.js';
import { functionStep } from './function-step.js';
import { httpStep } from './http-step.js';
import { summarize } from './summary.js';
import type { HttpStepSpec, LoadPlan, LoadProgress, LoadSummary, StepFunction } from './types.js';
import { runWorkers } from './workers.js';

/** Most worker threads a run may start, whatever the machine. */
export const MAX_WORKERS = 64;
/** Longest run (timers cannot wait longer than 2^31 ms anyway). */
export const MAX_DURATION_MS = 86_400_000;

export interface RunLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /** How often onProgress is called (default 1000 ms). */
  progressMs?: number;
}

/** Refuses a plan that could run forever or makes no sense, with a message saying what to add. */
export function validatePlan(plan: LoadPlan): void {
  if (plan.durationMs === undefined && plan.maxRequests === undefined) {
    throw new InputError(
      'load.unbounded',
      'a load run needs a duration or a request limit (e.g. duration: 30s, or maxRequests: 1000): it will not start without one',
    );
  }
  if (plan.durationMs !== undefined && !(plan.durationMs > 0 && plan.durationMs <= MAX_DURATION_MS)) {
    throw new InputError(
      'load.bad-duration',
      'the duration of a load run must be more than 0 and at most 24h',
    );
  }
  if (plan.maxRequests !== undefined && !(Number.isInteger(plan.maxRequests) && plan.maxRequests > 0)) {
    throw new InputError('load.bad-limit', 'the request limit must be a positive whole number');
  }
  if (!(Number.isInteger(plan.workers) && plan.workers >= 1 && plan.workers <= MAX_WORKERS)) {
    throw new InputError('load.bad-workers', `workers must be a whole number from 1 to ${MAX_WORKERS}`);
  }
  const m = plan.model;
  if (m.type === 'closed') {
    if (!(Number.isInteger(m.vus) && m.vus >= 1)) {
      throw new InputError('load.bad-vus', 'the number of virtual users (connections) must be at least 1');
    }
  } else if (!(m.startRate >= 0) || m.stages.some((s) => !(s.target >= 0) || !(s.durationMs > 0))) {
    throw new InputError('load.bad-rate', 'rates must be 0 or more and every stage must last more than 0');
  } else if (m.startRate === 0 && m.stages.every((s) => s.target === 0)) {
    throw new InputError('load.bad-rate', 'a rate of 0 sends nothing: give a rate above 0');
  }
}

/**
 * Runs a load plan and returns its summary. A raw HTTP step may be spread over worker threads (never
 * more than the cores); a step function (a whole flow) runs in this thread only.
 */
export async function runLoad(
  plan: LoadPlan,
  step: HttpStepSpec | StepFunction,
  options: RunLoadOptions = {},
): Promise<LoadSummary> {
  validatePlan(plan);
  // Refused before a single request: the origin is fixed for the whole run (TargetError "ssrf.blocked").
  if (typeof step !== 'function' && step.addressPolicy)
    await createAddressGuard(step.addressPolicy).checkUrl(step.origin);
  const workers = Math.min(plan.workers, availableParallelism());
  if (typeof step === 'function') {
    if (plan.workers > 1) {
      throw new InputError(
        'load.workers-flow',
        'a flow runs in one thread (its steps share state): leave workers at 1 or load a single operation',
      );
    }
    return runHere(plan, functionStep(step, plan.timeoutMs), options);
  }
  if (workers > 1) {
    const run = await runWorkers(plan, step, workers, options);
    return summarize(plan, run.recorder, {
      elapsedMs: run.elapsedMs,
      workers: run.workers,
      cancelled: run.reason === 'cancelled',
      ...(run.aborted && { aborted: run.aborted }),
    });
  }
  const closed = plan.model.type === 'closed' ? plan.model.vus : undefined;
  return runHere(plan, httpStep({ ...step, connections: step.connections ?? closed }), options);
}

async function runHere(
  plan: LoadPlan,
  step: ReturnType<typeof httpStep>,
  options: RunLoadOptions,
): Promise<LoadSummary> {
  const engine = new Engine({
    plan,
    step,
    ...(options.signal && { signal: options.signal }),
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.progressMs && { progressMs: options.progressMs }),
  });
  try {
    const run = await engine.run();
    return summarize(plan, run.recorder, {
      elapsedMs: run.elapsedMs,
      workers: 1,
      cancelled: run.reason === 'cancelled',
      ...(run.aborted && { aborted: run.aborted }),
    });
  } finally {
    await step.close();
  }
}
