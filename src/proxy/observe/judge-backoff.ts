import type { ClientFinding } from '../observation.js';
import type { RetryChain, Traffic } from './traffic.js';
import { chainsOfClient } from './traffic.js';
import { finding, judged, median, ms, notJudged, type Verdict } from './verdict.js';

/** The gaps of a chain that the client chose itself (not dictated by a Retry-After). */
export function ownGaps(chain: RetryChain): number[] {
  return chain.gaps.filter((_, i) => chain.retryAfterMs[i] === undefined);
}

/** Why a chain-based behaviour could not be judged for this client. */
export function noRetriesWhy(traffic: Traffic, client: string): string {
  const unretried = traffic.unretriedFailures.get(client)?.length ?? 0;
  return unretried > 0
    ? `${unretried} request(s) failed and none was repeated: the client does not retry (or retries later than retryWindowMs)`
    : 'no request of this client failed, so no retry happened (inject 5xx, resets or black holes for the first few requests)';
}

// Successive gaps must grow by more than noise: a constant schedule with timer jitter of a few ms is not a backoff.
const GROWTH_FACTOR = 1.1;
const GROWTH_NOISE_MS = 5;

/**
 * Backoff: repeats of a failed request must not come in a burst (no wait reaching the floor) and the waits must
 * grow: the longest wait at the last retry position must exceed the shortest first wait (so full-jitter clients,
 * whose single draws may shrink, are still seen growing over several sequences).
 */
export function judgeBackoff(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const chains = chainsOfClient(traffic, client);
  if (chains.length === 0) return notJudged('backoff', noRetriesWhy(traffic, client));
  const judgedChains = chains.filter((c) => ownGaps(c).length >= 2);
  if (judgedChains.length === 0) {
    const allRa = chains.every((c) => ownGaps(c).length === 0);
    return notJudged(
      'backoff',
      allRa
        ? 'every retry followed a Retry-After (judged under retry-after)'
        : 'no failed request was retried twice in a row without Retry-After; backoff needs two successive waits (fail the first three attempts)',
    );
  }
  const findings: ClientFinding[] = [];
  // A sequence hammers when it never waited as long as the floor; full jitter may draw one short wait, so the
  // longest wait decides, and the client is called out when most of its sequences hammer.
  const hammering = judgedChains.filter((c) => Math.max(...ownGaps(c)) < options.backoffFloorMs);
  if (hammering.length * 2 >= judgedChains.length) {
    const gaps = hammering.flatMap(ownGaps);
    const retries = hammering.reduce((n, c) => n + c.attempts.length - 1, 0);
    findings.push(
      finding(
        'client.retry-no-backoff',
        'error',
        `${hammering.length} failed request(s) were retried ${retries} time(s) never waiting ${ms(options.backoffFloorMs)} (median wait ${ms(median(gaps))}): the client hammers a failing API`,
        'Wait before each retry and double the wait each time (exponential backoff, e.g. 100 ms, 200 ms, 400 ms… capped), with a bounded number of attempts.',
        hammering.flatMap((c) => c.attempts),
        options.maxEvidence,
        retries,
      ),
    );
  } else {
    // Delays on a busy machine only lengthen waits: the shortest first wait and the longest last wait are the
    // ones closest to the client's schedule (and full-jitter draws still show the growth over several sequences).
    const length = Math.max(...judgedChains.map((c) => ownGaps(c).length));
    const first = Math.min(...judgedChains.map((c) => ownGaps(c)[0]!));
    const last = Math.max(...judgedChains.flatMap((c) => ownGaps(c).slice(length - 1)));
    if (last <= first * GROWTH_FACTOR + GROWTH_NOISE_MS) {
      findings.push(
        finding(
          'client.retry-no-backoff',
          'warning',
          `retry waits do not grow: the first wait was ${ms(first)}, the wait before retry ${length} was ${ms(last)}: a constant retry interval keeps the pressure on a struggling API`,
          'Grow the wait between retries exponentially (with a cap) instead of retrying at a fixed interval.',
          judgedChains.flatMap((c) => c.attempts),
          options.maxEvidence,
          judgedChains.length,
        ),
      );
    }
  }
  const gaps = judgedChains.flatMap(ownGaps);
  return judged(
    'backoff',
    findings,
    `${judgedChains.length} retry sequence(s), waits ${ms(Math.min(...gaps))}–${ms(Math.max(...gaps))}, growing`,
  );
}
