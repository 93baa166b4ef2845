import type { ThresholdResult } from '../core/result.js';
import type { Threshold } from '../core/threshold.js';
import type { AddressPolicy } from '../http/address-guard.js';
import type { ResolvedTls } from '../http/types.js';

/** A stage of a ramping arrival rate: reach `target` requests per second over `durationMs`. */
export interface RateStage {
  durationMs: number;
  target: number;
}

/** Open model: arrivals on a schedule, whatever the target's speed; closed model: N users in a loop. */
export type LoadModel =
  | {
      type: 'open';
      /** Requests per second at the start (the constant rate when every stage targets it too). */
      startRate: number;
      stages: RateStage[];
      /** Arrivals beyond this many requests in flight are dropped and counted, not sent (default 10000). */
      maxInFlight?: number;
    }
  | { type: 'closed'; vus: number; thinkTimeMs: number };

/** What to run and when to stop. A plan without durationMs and maxRequests is refused. */
export interface LoadPlan {
  model: LoadModel;
  durationMs?: number;
  maxRequests?: number;
  /** Time one step may take before it counts as a "timeout" error. */
  timeoutMs: number;
  thresholds: readonly Threshold[];
  /** Stop as soon as a threshold is certain to fail. */
  abortOnFail: boolean;
  /** Worker threads (only for a raw HTTP step); 1 runs in this thread. */
  workers: number;
}

/** What one iteration of a step reports. `errorClass` names a failure without a status (timeout, connection...). */
export interface StepOutcome {
  ok: boolean;
  status?: number;
  errorClass?: string;
}

/** A generic step: one iteration of anything (a whole flow). The signal aborts it at its timeout. */
export type StepFunction = (iteration: number, signal: AbortSignal) => Promise<StepOutcome>;

/** Called once per iteration with its outcome; a status of 0 means none. */
export type StepDone = (ok: boolean, status: number, errorClass: string | undefined) => void;

/** The engine's view of a step: callback-based so the raw HTTP path allocates no promise. */
export interface Step {
  /** `lane` is the virtual user (closed model) or -1 (open model): a user may keep its own connection. */
  start(iteration: number, done: StepDone, lane: number): void;
  close(): Promise<void>;
}

/** A raw HTTP request repeated as fast as asked: serialisable, so worker threads can rebuild it. */
export interface HttpStepSpec {
  /** scheme://host:port */
  origin: string;
  method: string;
  /** Path and query. */
  path: string;
  /** Every header to send, auth included (never kept in results). */
  headers: Record<string, string>;
  body?: string;
  /** Sockets to open (default: as many as needed up to 10000). */
  connections?: number;
  timeoutMs: number;
  /** TLS settings of the environment (PEM text, insecure). */
  tls?: ResolvedTls;
  /**
   * Where connections may go (the service's address guard): a policy rather than a lookup function
   * because worker threads rebuild the step from this object. Absent: no guard.
   */
  addressPolicy?: AddressPolicy;
}

/** Live figures, about once a second, for progress bars and lines. */
export interface LoadProgress {
  elapsedMs: number;
  /** Planned duration when known. */
  plannedMs?: number;
  requests: number;
  errors: number;
  /** Requests completed in the last second. */
  rate: number;
  /** p95 of the run so far, ms. */
  p95: number;
  inFlight: number;
}

/** One second of the run, for charts. */
export interface SeriesPoint {
  /** Seconds since the start. */
  t: number;
  requests: number;
  errors: number;
  /** ms; null in a second without completions. */
  p50: number | null;
  p95: number | null;
}

/** The result of a load run: the CLI's JSON summary (requests, rps, latency, errors) plus detail. */
export interface LoadSummary {
  requests: number;
  rps: number;
  /** Milliseconds. In the open model measured from the intended send time. */
  latency: { p50: number; p90: number; p95: number; p99: number; max: number };
  /** Failed requests by class: a status code ("503"), "timeout", "connection", or a step's own class. */
  errors: Record<string, number>;
  detail: {
    model: 'open' | 'closed';
    durationMs: number;
    failed: number;
    errorRate: number;
    latencyMin: number;
    latencyMean: number;
    /** Open model: arrivals not sent because maxInFlight requests were waiting. */
    dropped: number;
    workers: number;
    /** Set when the run stopped early because a threshold was certain to fail. */
    aborted?: { threshold: string; reason: string };
    /** Set when the run was cancelled (Ctrl-C, time budget). */
    cancelled?: boolean;
  };
  thresholds: ThresholdResult[];
  series: SeriesPoint[];
}
