// What the fault proxy records of each exchange it relays in observe mode, and what the judges of a
// partner's client return. The contract between the proxy (recording) and src/proxy/observe/ (judging):
// judges are pure functions of the recorded exchanges, so they are tested without sockets.

/** One request a partner's client sent through the proxy, and what happened to it. */
export interface ObservedExchange {
  /** Order of arrival at the proxy, from 0. */
  seq: number;
  /** Which client sent it: the `clientHeader` value, else a hash of the credential, else the peer address. */
  client: string;
  /** Epoch milliseconds when the request head arrived at the proxy. */
  startedAt: number;
  /** Epoch milliseconds when the exchange ended (answered, reset, or abandoned by the client). */
  endedAt: number;
  method: string;
  /** Path and query as sent, with secret query values redacted. */
  url: string;
  /** Lower-case names; credential values (authorization, api keys, cookies) redacted. */
  headers: Record<string, string>;
  /** The Idempotency-Key header, kept verbatim (not a secret; needed to judge reuse across retries). */
  idempotencyKey?: string;
  /** A stable, non-reversible fingerprint of the credential sent (to judge token reuse), if any. */
  credentialFingerprint?: string;
  /** A fingerprint of the body (sha256 hex, first 16 chars) to tell retries of the same request apart. */
  bodyFingerprint?: string;
  bodyBytes: number;
  /** operationId (or "METHOD /template") when the proxy has a spec and the route matched. */
  operation?: string;
  /** Request conformance problems against the spec: JSON pointer + message, empty when valid. */
  conformance: { pointer: string; message: string }[];
  /** The fault the proxy injected on this exchange, if any (its id and type). */
  fault?: { id: string; type: string };
  /** Status sent to the client, absent when the connection was reset, black-holed or abandoned. */
  status?: number;
  /** Retry-After the proxy (or upstream) sent, in seconds, when any. */
  retryAfterSeconds?: number;
  /** How the exchange ended. `client-abort`: the client closed before an answer (a timeout on its side). */
  outcome: 'answered' | 'reset' | 'blackhole' | 'client-abort' | 'upstream-error';
}

export type ClientFindingCode =
  | 'client.request-nonconformant'
  | 'client.retry-no-backoff'
  | 'client.retry-no-jitter'
  | 'client.retry-after-ignored'
  | 'client.idempotency-key-missing'
  | 'client.idempotency-key-changed'
  | 'client.unsafe-retry'
  | 'client.token-per-call'
  | 'client.no-timeout'
  | 'client.no-circuit-breaking'
  | 'client.no-recovery';

/** A verdict on one behaviour of one client, with the exchanges that show it. */
export interface ClientFinding {
  code: ClientFindingCode;
  severity: 'error' | 'warning' | 'info';
  message: string;
  remediation: string;
  /** `seq` of the exchanges that show it (bounded). */
  evidence: number[];
  count: number;
}

/** The scored report for one partner client. */
export interface ClientReport {
  client: string;
  requests: number;
  /** 0–100: 100 minus the weighted findings; the weights are documented in docs/proxy.md. */
  score: number;
  findings: ClientFinding[];
  /** Behaviours judged and passed, and those that could not be judged for want of traffic (and why). */
  passed: string[];
  notJudged: { behaviour: string; why: string }[];
}
