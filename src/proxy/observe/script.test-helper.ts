// Builds hand-written recordings for the judges' unit tests: times are relative milliseconds from T0.
import type { ObservedExchange } from '../observation.js';
import { type ObserveOptions, resolveObserveOptions } from './options.js';
import { analyseTraffic, type Traffic } from './traffic.js';

export const T0 = 1_700_000_000_000;

export type Step = Partial<Omit<ObservedExchange, 'seq' | 'startedAt' | 'endedAt'>> & {
  /** Start, ms after T0. */
  at: number;
  /** Duration, ms (default 5). */
  dur?: number;
};

/** A recording in the making: `req` appends one exchange (answered 200 GET /things by client "a" unless told). */
export class Script {
  readonly list: ObservedExchange[] = [];

  req(step: Step): ObservedExchange {
    const { at, dur = 5, ...rest } = step;
    const x: ObservedExchange = {
      seq: this.list.length,
      client: 'a',
      startedAt: T0 + at,
      endedAt: T0 + at + dur,
      method: 'GET',
      url: '/things',
      headers: {},
      bodyBytes: 0,
      conformance: [],
      outcome: 'answered',
      // An exchange that was not answered has no status unless the step gives one.
      ...(rest.outcome === undefined || rest.outcome === 'answered' ? { status: 200 } : {}),
      ...rest,
    };
    this.list.push(x);
    return x;
  }

  /** A request failed with `fail` and repeated after each gap, the last attempt answered `finalStatus`. */
  chain(
    start: number,
    gaps: number[],
    base: Omit<Step, 'at'> = {},
    fail: Partial<ObservedExchange> = { status: 503 },
    finalStatus = 200,
  ): ObservedExchange[] {
    const out: ObservedExchange[] = [];
    let at = start;
    const dur = base.dur ?? 5;
    for (let i = 0; i <= gaps.length; i++) {
      const last = i === gaps.length;
      out.push(this.req({ ...base, at, ...(last ? { status: finalStatus } : fail) }));
      if (!last) at += dur + gaps[i]!;
    }
    return out;
  }

  traffic(options: ObserveOptions = {}): Traffic {
    return analyseTraffic(this.list, resolveObserveOptions(options));
  }
}
