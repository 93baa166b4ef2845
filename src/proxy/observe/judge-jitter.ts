import { noRetriesWhy } from './judge-backoff.js';
import type { RetryChain, Traffic } from './traffic.js';
import { chainsOfClient } from './traffic.js';
import { finding, judged, notJudged, type Verdict } from './verdict.js';

const vectors = new WeakMap<RetryChain, (number | undefined)[]>();

/** Gap at each retry position, or undefined where a Retry-After dictated it (cached: every pair reads it). */
function ownVector(chain: RetryChain): (number | undefined)[] {
  let v = vectors.get(chain);
  if (!v) {
    v = chain.gaps.map((g, i) => (chain.retryAfterMs[i] === undefined ? g : undefined));
    vectors.set(chain, v);
  }
  return v;
}

interface Group {
  pairs: number;
  matchedPairs: number;
  matchedPositions: number;
  chains: Set<RetryChain>;
}

/**
 * Jitter: retry sequences whose waits agree at every compared position are synchronised, and many such clients
 * retry in lock-step against a recovering API. Sequences are compared within the client, and with each other
 * client; a group (own, or one other client) shows no jitter when most of its pairs agree and the agreeing
 * positions add up to at least two — one coincidence proves nothing.
 */
export function judgeJitter(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const mine = chainsOfClient(traffic, client);
  if (mine.length === 0) return notJudged('jitter', noRetriesWhy(traffic, client));
  const close = (a: number, b: number) =>
    Math.abs(a - b) <= Math.max(options.jitterToleranceMs, 0.03 * Math.max(a, b));
  const groups = new Map<string, Group>();
  const compare = (group: string, a: RetryChain, b: RetryChain) => {
    const va = ownVector(a);
    const vb = ownVector(b);
    let positions = 0;
    let agree = true;
    for (let i = 0; i < Math.min(va.length, vb.length); i++) {
      const ga = va[i];
      const gb = vb[i];
      if (ga === undefined || gb === undefined) continue;
      positions++;
      if (!close(ga, gb)) agree = false;
    }
    if (positions === 0) return;
    let g = groups.get(group);
    if (!g) {
      g = { pairs: 0, matchedPairs: 0, matchedPositions: 0, chains: new Set() };
      groups.set(group, g);
    }
    g.pairs++;
    if (agree) {
      g.matchedPairs++;
      g.matchedPositions += positions;
      g.chains.add(a).add(b);
    }
  };
  mine.forEach((a, i) => {
    for (const b of mine.slice(i + 1)) compare('', a, b);
    for (const b of traffic.chains) if (b.client !== client) compare(b.client, a, b);
  });
  if (groups.size === 0) {
    return notJudged(
      'jitter',
      'only one retry sequence without Retry-After was seen; jitter needs two sequences to compare (fail several requests, or observe several clients)',
    );
  }
  const lockStep = [...groups.entries()].filter(
    ([, g]) => g.matchedPositions >= 2 && g.matchedPairs * 2 > g.pairs,
  );
  if (lockStep.length > 0) {
    const chains = [...new Set(lockStep.flatMap(([, g]) => [...g.chains]))];
    const withOthers = lockStep.map(([name]) => name).filter((name) => name !== '');
    const who = withOthers.length > 0 ? ` (in step with ${withOthers.join(', ')})` : '';
    return judged('jitter', [
      finding(
        'client.retry-no-jitter',
        'warning',
        `${chains.length} retry sequences waited the same times, within ${options.jitterToleranceMs} ms or 3 %${who}: retries are not randomised, so clients retry in lock-step`,
        'Add random jitter to every backoff wait (e.g. "full jitter": a random wait between 0 and the backoff).',
        chains.flatMap((c) => c.attempts.slice(1)),
        options.maxEvidence,
        chains.length,
      ),
    ]);
  }
  const pairs = [...groups.values()].reduce((n, g) => n + g.pairs, 0);
  return judged('jitter', [], `${pairs} pair(s) of retry sequences compared, waits differ`);
}
