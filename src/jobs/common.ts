// Pieces both queue implementations share: defaults, input validation, backoff, the event emitter.
import { randomBytes } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { AddJobOptions, BackoffPolicy, JobEventMap, JobEventName, StartOptions } from './types.js';

export const DEFAULT_MAX_ATTEMPTS = 25;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/** A worker that has not renewed its lease for this long is considered dead. */
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, factor: 2, maxMs: 3_600_000 };
/** setTimeout's limit (about 24.8 days); a later timer is re-armed when it fires. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Delay before the retry that follows failed attempt number `attempt` (1-based). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** exponent));
}

/** The longest a failure's own retry hint (e.g. a receiver's Retry-After) may hold a job back. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Delay before retrying a failed attempt: the backoff, or longer when the failure says when to come back — an
 * error with a numeric `retryAfterMs` (a receiver's Retry-After), capped at MAX_RETRY_AFTER_MS.
 */
export function retryDelay(policy: BackoffPolicy, attempt: number, failure: unknown): number {
  const backoff = backoffDelay(policy, attempt);
  const hint = (failure as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint <= backoff) return backoff;
  return Math.min(MAX_RETRY_AFTER_MS, Math.round(hint));
}

/** A fresh random worker id. */
export function randomWorkerId(): string {
  return `worker-${randomBytes(6).toString('hex')}`;
}

/** Validated, defaulted add options. */
export interface NormalisedAdd {
  payloadJson: string;
  runAt: Date;
  key: string | null;
  keyMode: 'replace' | 'preserve';
  maxAttempts: number;
  priority: number;
}

/** Checks a job name, payload and options; throws InputError on what a caller got wrong. */
export function normaliseAdd(
  name: string,
  payload: unknown,
  options: AddJobOptions,
  now: Date,
): NormalisedAdd {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw new InputError('jobs.invalid-name', 'a job name must be a string of 1 to 128 characters');
  }
  let payloadJson: string | undefined;
  try {
    payloadJson = JSON.stringify(payload ?? null);
  } catch (error) {
    throw new InputError(
      'jobs.payload-not-json',
      `the payload of job "${name}" is not serialisable as JSON`,
      [],
      {
        cause: error,
      },
    );
  }
  if (payloadJson === undefined) {
    throw new InputError('jobs.payload-not-json', `the payload of job "${name}" is not serialisable as JSON`);
  }
  const runAt = options.runAt ?? now;
  if (!(runAt instanceof Date) || Number.isNaN(runAt.getTime())) {
    throw new InputError('jobs.invalid-run-at', `runAt of job "${name}" is not a valid date`);
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 32_767) {
    throw new InputError('jobs.invalid-max-attempts', 'maxAttempts must be an integer from 1 to 32767');
  }
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > 32_767) {
    throw new InputError('jobs.invalid-priority', 'priority must be an integer from -32767 to 32767');
  }
  const key = options.key ?? null;
  if (key !== null && (typeof key !== 'string' || key.length === 0 || key.length > 512)) {
    throw new InputError('jobs.invalid-key', 'a job key must be a string of 1 to 512 characters');
  }
  const keyMode = options.keyMode ?? 'replace';
  if (keyMode !== 'replace' && keyMode !== 'preserve') {
    throw new InputError('jobs.invalid-key-mode', 'keyMode must be "replace" or "preserve"');
  }
  return { payloadJson, runAt, key, keyMode, maxAttempts, priority };
}

/** Validated, defaulted start options. */
export function normaliseStart(options: StartOptions): { concurrency: number; workerId: string } {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1_000) {
    throw new InputError('jobs.invalid-concurrency', 'concurrency must be an integer from 1 to 1000');
  }
  const workerId = options.workerId ?? randomWorkerId();
  if (workerId.length === 0 || workerId.length > 128) {
    throw new InputError('jobs.invalid-worker-id', 'a worker id must be a string of 1 to 128 characters');
  }
  return { concurrency, workerId };
}

/** The message of a handler's failure, bounded so a huge error cannot bloat the table. */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

type Listener<E extends JobEventName> = (event: JobEventMap[E]) => void;

/** A minimal typed emitter; a throwing listener never breaks the queue. */
export class JobEvents {
  readonly #listeners = new Map<JobEventName, Set<Listener<never>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<E extends JobEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Calls every listener of `event`. */
  emit<E extends JobEventName>(event: E, payload: JobEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // A listener's bug must not stop jobs; listeners are documented as must-not-throw.
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
