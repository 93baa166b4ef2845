import type { ObservedExchange } from '../observation.js';
import type { ResolvedObserveOptions } from './options.js';
import { isOutageFailure, isTokenCall } from './traffic.js';

/** A period when the upstream failed every request. */
export interface Outage {
  from: number;
  to: number;
  /** True when the recording ends inside the outage (its end was not seen). */
  open: boolean;
  /** Where it came from: given in the options, or inferred from a run of failures. */
  source: 'given' | 'inferred';
}

/**
 * The outages to judge circuit breaking against: the given windows, else every run of at least
 * `outageMinFailures` consecutive upstream failures (over all clients) lasting at least `outageMinMs`. A run ends
 * when a request starts that gets a real answer; 429s and token-endpoint calls neither extend nor end it.
 */
export function findOutages(all: readonly ObservedExchange[], options: ResolvedObserveOptions): Outage[] {
  if (options.outages) {
    return options.outages.map((o) => ({ from: o.from, to: o.to, open: false, source: 'given' as const }));
  }
  const outages: Outage[] = [];
  let run: ObservedExchange[] = [];
  const flush = (to: number, open: boolean) => {
    const from = run[0]?.startedAt;
    if (from !== undefined && run.length >= options.outageMinFailures && to - from >= options.outageMinMs) {
      outages.push({ from, to, open, source: 'inferred' });
    }
    run = [];
  };
  for (const x of all) {
    // The token endpoint is usually another service: its answers say nothing about the API being down.
    if (isTokenCall(x, options)) continue;
    if (isOutageFailure(x) || x.outcome === 'client-abort') run.push(x);
    else if (x.status !== 429) flush(x.startedAt, false);
  }
  flush(
    run.reduce((m, x) => Math.max(m, x.endedAt), 0),
    true,
  );
  return outages;
}
