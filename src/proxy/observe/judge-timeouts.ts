import type { ClientFinding, ObservedExchange } from '../observation.js';
import type { Traffic } from './traffic.js';
import { finding, judged, ms, notJudged, type Verdict } from './verdict.js';

// The proxy records a black hole's end when the connection closes; one that closed with the observation (the proxy
// shutting down) was not given up by the client.
const CLOSED_WITH_OBSERVATION_MS = 50;

/**
 * Timeouts: a client must give up on a request that gets no answer. Giving up shows as a `client-abort` (it hung
 * up while the proxy waited on a slow upstream or a latency fault) or as a black hole that ended before the
 * observation did. Within the bound that is a timeout; past the bound, a timeout that is too long (warning); an
 * exchange that lasted past the bound without the client giving up (a black hole open until the proxy stopped,
 * a slow answer waited for) shows none (error).
 */
export function judgeTimeouts(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const mine = traffic.byClient.get(client) ?? [];
  const bound = options.timeoutMs;
  const duration = (x: ObservedExchange) => x.endedAt - x.startedAt;
  // A black hole ends only when its connection closes: the client gave up if the proxy was still taking requests
  // afterwards, or if the end came well before the observation's.
  const lastStart = traffic.all.reduce((m, y) => Math.max(m, y.startedAt), 0);
  const proxyLived = (x: ObservedExchange) =>
    lastStart > x.endedAt || x.endedAt < traffic.observedUntil - CLOSED_WITH_OBSERVATION_MS;
  const gaveUp = (x: ObservedExchange) =>
    x.outcome === 'client-abort' || (x.outcome === 'blackhole' && proxyLived(x));
  const abortedInTime = mine.filter((x) => gaveUp(x) && duration(x) <= bound);
  const abortedLate = mine.filter((x) => gaveUp(x) && duration(x) > bound);
  const waitedPast = mine.filter((x) => !gaveUp(x) && duration(x) > bound);
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
