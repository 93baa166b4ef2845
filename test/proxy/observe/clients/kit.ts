// The partner client the observe-mode tests drive through the proxy: one script (token, creates, reads, a stream of
// reads), its manners set by a Policy. Each file beside this one is a small client program with one policy.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

export interface Policy {
  /** Sent as x-client-id: the name the proxy files the client under. */
  name: string;
  /** How long to wait before retry number `attempt` (1-based). */
  backoff: 'exponential-jitter' | 'none';
  honourRetryAfter: boolean;
  idempotencyKey: 'per-create' | 'per-attempt' | 'none';
  token: 'cached' | 'per-call';
  /** Per-request timeout; undefined waits for ever. */
  timeoutMs?: number;
  /** Open after 3 failures in a row for 250 ms, then let one probe through. */
  breaker: boolean;
  /** Send the amount as a string (the spec wants an integer). */
  sloppyBody?: boolean;
}

/** Called at the start of each phase, so the test can switch faults on the proxy. */
export type PhaseHook = (phase: Phase) => Promise<void> | void;
export type Phase = 'backoff' | 'retry-after' | 'backoff-2' | 'outage' | 'timeout';

export const BACKOFF_BASE_MS = 100;
const MAX_ATTEMPTS = 5;
const BREAKER_THRESHOLD = 3;
const BREAKER_COOL_DOWN_MS = 250;
export const STREAM_MS = 1800;
const STREAM_INTERVAL_MS = 25;

class BreakerOpen extends Error {}

class Breaker {
  #failures = 0;
  #openUntil = 0;
  constructor(readonly enabled: boolean) {}
  check(): void {
    if (this.enabled && this.#failures >= BREAKER_THRESHOLD && Date.now() < this.#openUntil) {
      throw new BreakerOpen('circuit open');
    }
  }
  success(): void {
    this.#failures = 0;
  }
  failure(): void {
    this.#failures++;
    if (this.#failures >= BREAKER_THRESHOLD) this.#openUntil = Date.now() + BREAKER_COOL_DOWN_MS;
  }
}

/** Runs the script against `baseUrl` with the given manners; resolves when done (errors are the client's own). */
export async function runClient(
  baseUrl: string,
  policy: Policy,
  onPhase: PhaseHook = () => {},
): Promise<void> {
  const breaker = new Breaker(policy.breaker);
  let token: string | undefined;

  const fetchToken = async (): Promise<string> => {
    const res = await fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        'x-client-id': policy.name,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('partner:partner-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
      ...(policy.timeoutMs !== undefined && { signal: AbortSignal.timeout(policy.timeoutMs) }),
    });
    const json = (await res.json()) as { access_token: string };
    return json.access_token;
  };

  const wait = (attempt: number, retryAfter: number | undefined): number => {
    let ms = 0;
    if (policy.backoff === 'exponential-jitter') {
      const d = BACKOFF_BASE_MS * 2 ** (attempt - 1);
      ms = d / 2 + Math.random() * (d / 2); // "equal jitter": never shorter than half the backoff
    }
    if (policy.honourRetryAfter && retryAfter !== undefined) ms = Math.max(ms, retryAfter * 1000);
    return ms;
  };

  /** One logical request with retries; returns the status, throws when every attempt failed. */
  const call = async (method: string, path: string, body?: unknown, stream = false) => {
    // Reads of the stream go through the breaker and are not retried; the other calls retry and ignore it.
    const maxAttempts = stream ? 1 : MAX_ATTEMPTS;
    let key = policy.idempotencyKey === 'none' || method !== 'POST' ? undefined : randomUUID();
    for (let attempt = 1; ; attempt++) {
      if (stream) breaker.check();
      if (policy.token === 'per-call' || token === undefined) token = await fetchToken();
      let retryAfter: number | undefined;
      try {
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            'x-client-id': policy.name,
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
            ...(key !== undefined && { 'idempotency-key': key }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          ...(policy.timeoutMs !== undefined && { signal: AbortSignal.timeout(policy.timeoutMs) }),
        });
        await res.arrayBuffer();
        if (res.status < 500 && res.status !== 429) {
          if (stream) breaker.success();
          return res.status;
        }
        const header = res.headers.get('retry-after');
        retryAfter = header === null ? undefined : Number(header);
      } catch {
        // reset, timeout or refused: a failure like a 5xx
      }
      if (stream) breaker.failure();
      if (attempt >= maxAttempts) throw new Error(`${method} ${path} failed ${attempt} times`);
      await sleep(wait(attempt, retryAfter));
      if (policy.idempotencyKey === 'per-attempt' && key !== undefined) key = randomUUID();
    }
  };

  const payment = (ref: string) => ({ amount: policy.sloppyBody ? '1250' : 1250, currency: 'EUR', ref });
  const ignore = () => {};
  await call('POST', '/payments', payment('warm-up')).catch(ignore);
  await onPhase('backoff');
  await call('POST', '/payments', payment('a')).catch(ignore);
  await onPhase('retry-after');
  await call('POST', '/payments', payment('b')).catch(ignore);
  await onPhase('backoff-2');
  await call('POST', '/payments', payment('c')).catch(ignore);
  await onPhase('outage');
  const end = Date.now() + STREAM_MS;
  for (let i = 0; Date.now() < end; i++) {
    // Distinct ids: a stream of reads, not repeats of one read.
    await call('GET', `/payments/s-${i}`, undefined, true).catch(ignore);
    await sleep(STREAM_INTERVAL_MS);
  }
  await onPhase('timeout');
  await call('GET', '/payments/t-1').catch(ignore);
}

/** The command line of a client program: `node --import tsx <file> <base-url>`. */
export async function main(policy: Policy, argv: readonly string[]): Promise<void> {
  const baseUrl = argv[2];
  if (!baseUrl) throw new Error(`usage: ${argv[1]} <base-url>`);
  await runClient(baseUrl, policy);
}

/** True when the module at `moduleUrl` is the program node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(entry).href;
}
