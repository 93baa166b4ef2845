import type { ObservedExchange } from '../observation.js';
import type { Traffic } from './traffic.js';
import { isTokenCall } from './traffic.js';
import { finding, judged, notJudged, type Verdict } from './verdict.js';

const MIN_CALLS = 3;

/** Token fetches after an API call answered 401 are legitimate re-authentication, not per-call fetching. */
function afterUnauthorized(fetch: ObservedExchange, api: readonly ObservedExchange[]): boolean {
  let previous: ObservedExchange | undefined;
  for (const x of api) {
    if (x.startedAt > fetch.startedAt) break;
    previous = x;
  }
  return previous?.status === 401;
}

/**
 * Token reuse: an access token should be fetched once and used until it expires. Seen either as token-endpoint
 * calls through the proxy (fetches per API call), or, when the token endpoint is elsewhere, as a new credential
 * fingerprint on most API calls.
 */
export function judgeTokenReuse(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const mine = traffic.byClient.get(client) ?? [];
  const fetches = mine.filter((x) => isTokenCall(x, options));
  const api = mine.filter((x) => !isTokenCall(x, options));
  if (fetches.length > 0) {
    // Only fetches that got a token count: a failed fetch is retried, not a sign of fetching per call.
    const counted = fetches.filter(
      (f) => f.status !== undefined && f.status < 300 && !afterUnauthorized(f, api),
    );
    if (api.length < MIN_CALLS) {
      return notJudged(
        'token-reuse',
        `only ${api.length} API call(s) besides the token endpoint; token reuse needs at least ${MIN_CALLS}`,
      );
    }
    if (counted.length >= MIN_CALLS && counted.length * 2 >= api.length) {
      return judged('token-reuse', [
        finding(
          'client.token-per-call',
          'error',
          `${counted.length} token fetches for ${api.length} API calls: the client fetches a new token for (almost) every call, doubling latency and load on the token endpoint`,
          'Cache the access token and reuse it until shortly before expires_in runs out; fetch a new one only then or after a 401.',
          counted,
          options.maxEvidence,
        ),
      ]);
    }
    return judged('token-reuse', [], `${counted.length} token fetch(es) for ${api.length} API calls`);
  }
  const authenticated = api.filter((x) => x.credentialFingerprint !== undefined);
  if (authenticated.length < MIN_CALLS) {
    return notJudged(
      'token-reuse',
      authenticated.length === 0
        ? `the client sent no credential and called no token endpoint (${options.tokenPaths.join(', ')})`
        : `only ${authenticated.length} authenticated call(s); token reuse needs at least ${MIN_CALLS}`,
    );
  }
  const firstUse = new Map<string, ObservedExchange>();
  for (const x of authenticated)
    if (!firstUse.has(x.credentialFingerprint!)) firstUse.set(x.credentialFingerprint!, x);
  const distinct = firstUse.size;
  if (distinct >= MIN_CALLS && distinct * 2 >= authenticated.length) {
    return judged('token-reuse', [
      finding(
        'client.token-per-call',
        'error',
        `${distinct} different credentials on ${authenticated.length} calls: the client uses a fresh token for (almost) every call`,
        'Cache the access token and reuse it until shortly before it expires; fetch a new one only then or after a 401.',
        [...firstUse.values()],
        options.maxEvidence,
      ),
    ]);
  }
  return judged('token-reuse', [], `${distinct} credential(s) over ${authenticated.length} calls`);
}
