import type { Traffic } from './traffic.js';
import { chainsOfClient, isCreate } from './traffic.js';
import { finding, judged, notJudged, type Verdict } from './verdict.js';

/** Unsafe retries: a create repeated after a failure without an Idempotency-Key may be executed twice. */
export function judgeUnsafeRetry(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const createChains = chainsOfClient(traffic, client).filter((c) => isCreate(c.attempts[0]!, options));
  const failedOnce = (traffic.unretriedFailures.get(client) ?? []).filter((x) => isCreate(x, options));
  if (createChains.length === 0 && failedOnce.length === 0) {
    return notJudged(
      'unsafe-retry',
      'no create of this client failed, so its retry decision was not observed (fail a create with a 503 or a reset)',
    );
  }
  // A retry is unsafe when the retry itself goes out without a key: the server cannot deduplicate it.
  const unsafe = createChains.filter((c) => c.attempts.slice(1).some((x) => !x.idempotencyKey));
  if (unsafe.length === 0) {
    return judged(
      'unsafe-retry',
      [],
      createChains.length > 0
        ? `${createChains.length} retried create(s), each with an Idempotency-Key`
        : `${failedOnce.length} failed create(s) without a key were not retried`,
    );
  }
  const retries = unsafe.reduce((n, c) => n + c.attempts.length - 1, 0);
  return judged('unsafe-retry', [
    finding(
      'client.unsafe-retry',
      'error',
      `${unsafe.length} create(s) were retried ${retries} time(s) without an Idempotency-Key: if the first attempt committed before failing, the retry creates a duplicate`,
      'Send an Idempotency-Key on creates and reuse it on retries; without a key, do not retry a create automatically — surface the failure or check whether it was created first.',
      unsafe.flatMap((c) => c.attempts),
      options.maxEvidence,
      unsafe.length,
    ),
  ]);
}
