import type { ClientFinding } from '../observation.js';
import type { Traffic } from './traffic.js';
import { finding, judged, ms, notJudged, type Verdict } from './verdict.js';

/**
 * Timeouts: a client must give up on a request that gets no answer. A `client-abort` (the client hung up before an
 * answer) within the bound shows a timeout; an exchange that lasted past the bound without the client hanging up
 * (a black hole the proxy ended, or an answer the client waited for) shows none; a client-abort past the bound
 * shows a timeout that is too long.
 */
export function judgeTimeouts(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const mine = traffic.byClient.get(client) ?? [];
  const bound = options.timeoutMs;
  const duration = (x: { startedAt: number; endedAt: number }) => x.endedAt - x.startedAt;
  const abortedInTime = mine.filter((x) => x.outcome === 'client-abort' && duration(x) <= bound);
  const abortedLate = mine.filter((x) => x.outcome === 'client-abort' && duration(x) > bound);
  const waitedPast = mine.filter((x) => x.outcome !== 'client-abort' && duration(x) > bound);
  if (abortedInTime.length + abortedLate.length + waitedPast.length === 0) {
    return notJudged(
      'timeouts',
      `no request of this client was held longer than ${ms(bound)} and the client abandoned none (inject a black hole or a latency above the bound)`,
    );
  }
  const findings: ClientFinding[] = [];
  if (waitedPast.length > 0) {
    const longest = Math.max(...waitedPast.map(duration));
    findings.push(
      finding(
        'client.no-timeout',
        'error',
        `${waitedPast.length} request(s) were waited on past the ${ms(bound)} bound (up to ${ms(longest)}) without the client giving up: a hung upstream hangs the client's threads or connections`,
        `Set connect and request timeouts on every call (at most ${ms(bound)}), and treat a timeout as a retryable failure with backoff.`,
        waitedPast,
        options.maxEvidence,
      ),
    );
  }
  if (abortedLate.length > 0) {
    const longest = Math.max(...abortedLate.map(duration));
    findings.push(
      finding(
        'client.no-timeout',
        'warning',
        `${abortedLate.length} request(s) were abandoned only after ${ms(longest)}, longer than the ${ms(bound)} bound`,
        `Lower the client's request timeout to ${ms(bound)} or less.`,
        abortedLate,
        options.maxEvidence,
      ),
    );
  }
  return judged(
    'timeouts',
    findings,
    `${abortedInTime.length} unanswered request(s) abandoned within ${ms(bound)}`,
  );
}
