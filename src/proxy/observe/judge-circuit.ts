import type { ClientFinding, ObservedExchange } from '../observation.js';
import { findOutages, type Outage } from './outages.js';
import type { Traffic } from './traffic.js';
import { finding, judged, ms, notJudged, type Verdict } from './verdict.js';

const MIN_BASELINE = 3;
// A burst of a few requests just before the outage must not make the baseline rate absurdly high.
const MIN_BASELINE_SPAN_MS = 100;
/** Traffic in the second half of an outage above this share of the rate before it: the breaker did not open. */
export const BREAKER_MAX_RATE_SHARE = 0.5;

const outageCache = new WeakMap<Traffic, Outage[]>();

/** The outages of a recording, found once for all its clients. */
function outagesOf(traffic: Traffic): Outage[] {
  let outages = outageCache.get(traffic);
  if (!outages) {
    outages = findOutages(traffic.all, traffic.options);
    outageCache.set(traffic, outages);
  }
  return outages;
}

function startedIn(list: readonly ObservedExchange[], from: number, to: number): ObservedExchange[] {
  return list.filter((x) => x.startedAt >= from && x.startedAt < to);
}

function describe(outage: Outage): string {
  return `${outage.source} outage of ${ms(outage.to - outage.from)}${outage.open ? ' (still on when the recording ended)' : ''}`;
}

/**
 * Circuit breaking and recovery, judged against each outage: while the upstream fails everything, the client's
 * request rate in the second half of the outage must fall below half its rate just before (a breaker opened, or
 * the client backed off); after the outage the client must send again within `recoveryMs`.
 */
export function judgeCircuit(traffic: Traffic, client: string): Verdict[] {
  const { options } = traffic;
  const mine = traffic.byClient.get(client) ?? [];
  const outages = outagesOf(traffic);
  if (outages.length === 0) {
    const why = options.outages
      ? 'no outage window was given'
      : `no outage was seen: no run of ${options.outageMinFailures} consecutive upstream failures lasting ${ms(options.outageMinMs)} (switch a 503 or reset fault on for every request for a while)`;
    return [notJudged('circuit-breaking', why), notJudged('recovery', why)];
  }
  const breaking: ClientFinding[] = [];
  const recovery: ClientFinding[] = [];
  const breakingNotes: string[] = [];
  const recoveryNotes: string[] = [];
  const breakingWhy: string[] = [];
  const recoveryWhy: string[] = [];
  for (const outage of outages) {
    const length = outage.to - outage.from;
    const before = startedIn(mine, outage.from - length, outage.from);
    const during = startedIn(mine, outage.from, outage.to);
    if (before.length < MIN_BASELINE) {
      breakingWhy.push(
        `the client sent ${before.length} request(s) in the ${ms(length)} before the ${describe(outage)}; a rate to compare needs ${MIN_BASELINE}`,
      );
    } else {
      const span = Math.max(outage.from - before[0]!.startedAt, MIN_BASELINE_SPAN_MS);
      const rateBefore = before.length / span;
      const late = startedIn(mine, outage.from + length / 2, outage.to);
      const rateLate = late.length / (length / 2);
      const perSecond = (r: number) => `${Math.round(r * 10_000) / 10}/s`;
      if (rateLate > rateBefore * BREAKER_MAX_RATE_SHARE) {
        breaking.push(
          finding(
            'client.no-circuit-breaking',
            'warning',
            `during the ${describe(outage)} the client kept sending ${perSecond(rateLate)} in its second half (${perSecond(rateBefore)} before it): it keeps loading a failing upstream instead of failing fast`,
            'Add a circuit breaker: after a few consecutive failures stop calling for a cool-down period, then let one probe request through and close the breaker when it succeeds.',
            late,
            options.maxEvidence,
          ),
        );
      } else {
        breakingNotes.push(
          `${perSecond(rateLate)} in the second half of the outage vs ${perSecond(rateBefore)} before`,
        );
      }
    }
    if (outage.open) {
      recoveryWhy.push(`the recording ended during the ${describe(outage)}`);
      continue;
    }
    if (before.length + during.length === 0) {
      recoveryWhy.push(`the client was idle before and during the ${describe(outage)}`);
      continue;
    }
    const after = mine.find((x) => x.startedAt >= outage.to);
    if (after) {
      recoveryNotes.push(`sent again ${ms(after.startedAt - outage.to)} after the outage`);
    } else if (traffic.observedUntil - outage.to >= options.recoveryMs) {
      recovery.push(
        finding(
          'client.no-recovery',
          'error',
          `the client sent nothing in the ${ms(traffic.observedUntil - outage.to)} after the ${describe(outage)} ended: it did not recover`,
          'Make the breaker half-open after a cool-down (let a probe through) and close it on success; never leave it open for good.',
          [...before, ...during].slice(-options.maxEvidence),
          options.maxEvidence,
        ),
      );
    } else {
      recoveryWhy.push(
        `the observation ended ${ms(traffic.observedUntil - outage.to)} after the ${describe(outage)}, less than recoveryMs (${ms(options.recoveryMs)})`,
      );
    }
  }
  const breakingVerdict =
    breaking.length === 0 && breakingNotes.length === 0
      ? notJudged('circuit-breaking', breakingWhy.join('; '))
      : judged('circuit-breaking', breaking, breakingNotes.join('; '));
  const recoveryVerdict =
    recovery.length === 0 && recoveryNotes.length === 0
      ? notJudged('recovery', recoveryWhy.join('; '))
      : judged('recovery', recovery, recoveryNotes.join('; '));
  return [breakingVerdict, recoveryVerdict];
}
