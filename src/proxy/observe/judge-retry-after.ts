import type { ObservedExchange } from '../observation.js';
import type { Traffic } from './traffic.js';
import { chainsOfClient } from './traffic.js';
import { finding, judged, ms, notJudged, type Verdict } from './verdict.js';

/**
 * Retry-After: a repeat of a request that was answered with Retry-After must not come earlier than advertised
 * (less a small tolerance for clocks and timers). Measured from the end of the answer to the start of the retry.
 */
export function judgeRetryAfter(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const early: ObservedExchange[] = [];
  const details: string[] = [];
  let honoured = 0;
  for (const chain of chainsOfClient(traffic, client)) {
    chain.retryAfterMs.forEach((advertised, i) => {
      if (advertised === undefined) return;
      const gap = chain.gaps[i]!;
      if (gap + options.retryAfterToleranceMs < advertised) {
        early.push(chain.attempts[i]!, chain.attempts[i + 1]!);
        details.push(`${ms(gap)} after Retry-After: ${advertised / 1000}`);
      } else honoured++;
    });
  }
  if (early.length === 0 && honoured === 0) {
    const sawRetryAfter = traffic.byClient
      .get(client)
      ?.some((x) => x.retryAfterSeconds !== undefined && x.status !== undefined);
    return notJudged(
      'retry-after',
      sawRetryAfter
        ? 'answers with Retry-After were not followed by a retry of the same request'
        : 'no answer to this client carried Retry-After (inject a 429 or 503 with Retry-After)',
    );
  }
  if (early.length === 0)
    return judged('retry-after', [], `${honoured} retry(ies) waited at least Retry-After`);
  const shown = details.slice(0, 3).join('; ');
  return judged('retry-after', [
    finding(
      'client.retry-after-ignored',
      'error',
      `${details.length} retry(ies) came earlier than the Retry-After the API sent (${shown})`,
      'Read Retry-After (seconds or an HTTP date) on 429 and 503 answers and wait at least that long before retrying; use it instead of your own backoff when it is longer.',
      early,
      options.maxEvidence,
      details.length,
    ),
  ]);
}
