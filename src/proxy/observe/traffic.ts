import type { ObservedExchange } from '../observation.js';
import type { ResolvedObserveOptions } from './options.js';

/** A failed exchange followed by repeats of the same request, in order: attempts[0] is the original. */
export interface RetryChain {
  client: string;
  /** method + path and query + body fingerprint: what makes two requests "the same". */
  key: string;
  attempts: ObservedExchange[];
  /** gaps[i]: ms from the end of attempts[i] to the start of attempts[i + 1]. */
  gaps: number[];
  /** retryAfterMs[i]: the Retry-After attempts[i] advertised, in ms, if any. */
  retryAfterMs: (number | undefined)[];
}

/** Everything the judges look at, computed once for the whole recording. */
export interface Traffic {
  options: ResolvedObserveOptions;
  /** Every exchange, in order of arrival. */
  all: ObservedExchange[];
  /** Each client's exchanges, in order of arrival. */
  byClient: Map<string, ObservedExchange[]>;
  /** Retry chains of every client (at least one retry each). */
  chains: RetryChain[];
  /** Failed exchanges that were never repeated, per client. */
  unretriedFailures: Map<string, ObservedExchange[]>;
  /** End of the observation (epoch ms). */
  observedUntil: number;
}

/** Did the client see this exchange fail in a way a client may retry (5xx, 429, 408, no answer)? */
export function isFailure(x: ObservedExchange): boolean {
  if (x.outcome !== 'answered') return true;
  return x.status !== undefined && (x.status >= 500 || x.status === 429 || x.status === 408);
}

/** A failure of the upstream (not a rate limit): what an outage is made of. */
export function isOutageFailure(x: ObservedExchange): boolean {
  if (x.outcome === 'client-abort') return false;
  if (x.outcome !== 'answered') return true;
  return x.status !== undefined && x.status >= 500;
}

/** The path of a recorded URL, without its query. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Is this a create (non-idempotent) request under the options? A token fetch (a POST too) is not. */
export function isCreate(x: ObservedExchange, options: ResolvedObserveOptions): boolean {
  if (isTokenCall(x, options)) return false;
  const method = x.method.toUpperCase();
  if (options.createMethods.some((m) => m.toUpperCase() === method)) return true;
  return x.operation !== undefined && options.createOperations.includes(x.operation);
}

/** Is this a call to the token endpoint? */
export function isTokenCall(x: ObservedExchange, options: ResolvedObserveOptions): boolean {
  const path = pathOf(x.url);
  return options.tokenPaths.some((p) => path === p || path.endsWith(p));
}

/** What makes a repeat "the same request": the path with its query tells GET /a/1 from GET /a/2. */
export function requestKey(x: ObservedExchange): string {
  return `${x.method.toUpperCase()} ${x.url} ${x.bodyFingerprint ?? ''}`;
}

// A retry may start a little before the proxy noted the end of the failed exchange (the client reacts to the
// close event while the proxy is still bookkeeping).
const START_SLACK_MS = 5;

function chainsOf(client: string, exchanges: readonly ObservedExchange[], options: ResolvedObserveOptions) {
  const open = new Map<string, RetryChain[]>();
  const done: RetryChain[] = [];
  const unretried: ObservedExchange[] = [];
  const close = (chain: RetryChain) => {
    if (chain.attempts.length > 1) done.push(chain);
    else unretried.push(chain.attempts[0]!);
  };
  for (const x of exchanges) {
    const key = requestKey(x);
    const candidates = open.get(key) ?? [];
    let best: RetryChain | undefined;
    for (const chain of candidates) {
      const last = chain.attempts[chain.attempts.length - 1]!;
      const window = options.retryWindowMs + (last.retryAfterSeconds ?? 0) * 1000;
      const gap = x.startedAt - last.endedAt;
      if (gap < -START_SLACK_MS || gap > window) continue;
      const bestLast = best?.attempts[best.attempts.length - 1];
      if (!bestLast || last.endedAt > bestLast.endedAt) best = chain;
    }
    if (best) {
      const last = best.attempts[best.attempts.length - 1]!;
      best.gaps.push(Math.max(0, x.startedAt - last.endedAt));
      best.retryAfterMs.push(
        last.retryAfterSeconds === undefined ? undefined : last.retryAfterSeconds * 1000,
      );
      best.attempts.push(x);
      if (!isFailure(x)) {
        open.set(
          key,
          candidates.filter((c) => c !== best),
        );
        close(best);
      }
      continue;
    }
    if (isFailure(x)) {
      open.set(key, [...candidates, { client, key, attempts: [x], gaps: [], retryAfterMs: [] }]);
    }
  }
  for (const chains of open.values()) for (const chain of chains) close(chain);
  done.sort((a, b) => a.attempts[0]!.seq - b.attempts[0]!.seq);
  return { chains: done, unretried };
}

/** Groups the recording by client and finds every retry chain. */
export function analyseTraffic(
  exchanges: readonly ObservedExchange[],
  options: ResolvedObserveOptions,
): Traffic {
  const all = [...exchanges].sort((a, b) => a.startedAt - b.startedAt || a.seq - b.seq);
  const byClient = new Map<string, ObservedExchange[]>();
  for (const x of all) {
    const list = byClient.get(x.client);
    if (list) list.push(x);
    else byClient.set(x.client, [x]);
  }
  const chains: RetryChain[] = [];
  const unretriedFailures = new Map<string, ObservedExchange[]>();
  for (const [client, list] of byClient) {
    const found = chainsOf(client, list, options);
    chains.push(...found.chains);
    unretriedFailures.set(client, found.unretried);
  }
  const lastEnd = all.reduce((m, x) => Math.max(m, x.endedAt), 0);
  return {
    options,
    all,
    byClient,
    chains,
    unretriedFailures,
    observedUntil: options.observedUntil ?? lastEnd,
  };
}

/** Chains of one client. */
export function chainsOfClient(traffic: Traffic, client: string): RetryChain[] {
  return traffic.chains.filter((c) => c.client === client);
}
