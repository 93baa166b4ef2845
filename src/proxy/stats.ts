import type { FaultStatus } from './fault-table.js';
import type { ObservedExchange } from './observation.js';

type Outcome = ObservedExchange['outcome'];

/** Counters of one proxy since it started (GET /stats, the CLI summary). */
export interface ProxyStats {
  mode: 'http' | 'tcp';
  startedAt: string;
  /** HTTP requests (HTTP mode) or connections (TCP mode) accepted. */
  requests: number;
  /** Requests or connections a fault was applied to. */
  faulted: number;
  /** Requests still in flight (or connections open). */
  active: number;
  byOutcome: Record<Outcome, number>;
  /** Statuses sent to clients. */
  byStatus: Record<string, number>;
  /** Bytes relayed to clients (TCP mode: both directions). */
  bytes: number;
  observations: { kept: number; dropped: number };
  faults: FaultStatus[];
}

/** Mutable counters behind ProxyStats. */
export class StatsCounter {
  readonly startedAt = new Date().toISOString();
  requests = 0;
  faulted = 0;
  active = 0;
  bytes = 0;
  readonly byOutcome: Record<Outcome, number> = {
    answered: 0,
    reset: 0,
    blackhole: 0,
    'client-abort': 0,
    'upstream-error': 0,
  };
  readonly byStatus: Record<string, number> = {};

  ended(outcome: Outcome, status: number | undefined): void {
    this.byOutcome[outcome] += 1;
    if (status !== undefined) this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  snapshot(
    mode: 'http' | 'tcp',
    faults: FaultStatus[],
    observations: { kept: number; dropped: number },
  ): ProxyStats {
    return {
      mode,
      startedAt: this.startedAt,
      requests: this.requests,
      faulted: this.faulted,
      active: this.active,
      byOutcome: { ...this.byOutcome },
      byStatus: { ...this.byStatus },
      bytes: this.bytes,
      observations,
      faults,
    };
  }
}
