import type { ClientFinding } from '../observation.js';
import type { Traffic } from './traffic.js';
import { chainsOfClient, isCreate } from './traffic.js';
import { finding, judged, notJudged, type Verdict } from './verdict.js';

/** Idempotency-Key present: every create should carry one, so that it can be retried safely. */
export function judgeKeyPresent(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const creates = (traffic.byClient.get(client) ?? []).filter((x) => isCreate(x, options));
  if (creates.length === 0) {
    return notJudged(
      'idempotency-key-present',
      `the client sent no create (${options.createMethods.join(', ')}${options.createOperations.length > 0 ? `, ${options.createOperations.join(', ')}` : ''})`,
    );
  }
  const missing = creates.filter((x) => !x.idempotencyKey);
  if (missing.length === 0) {
    return judged('idempotency-key-present', [], `${creates.length} create(s), each with an Idempotency-Key`);
  }
  return judged('idempotency-key-present', [
    finding(
      'client.idempotency-key-missing',
      'warning',
      `${missing.length} of ${creates.length} create(s) carried no Idempotency-Key: after a timeout the client cannot retry them without risking a duplicate`,
      'Generate one Idempotency-Key (a UUID) per logical create, send it in the Idempotency-Key header, and keep it for every retry of that create.',
      missing,
      options.maxEvidence,
    ),
  ]);
}

/** Idempotency-Key reuse: every retry of a create must repeat the key of the first attempt. */
export function judgeKeyReuse(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const chains = chainsOfClient(traffic, client).filter((c) => isCreate(c.attempts[0]!, options));
  const keyed = chains.filter((c) => c.attempts.some((x) => x.idempotencyKey));
  if (keyed.length === 0) {
    return notJudged(
      'idempotency-key-reuse',
      chains.length === 0
        ? 'no create of this client was retried (fail a create, e.g. with a 503 or a reset, to see its retry)'
        : 'the retried creates carried no Idempotency-Key at all (judged under unsafe-retry)',
    );
  }
  const changed = keyed.filter((c) => new Set(c.attempts.map((x) => x.idempotencyKey ?? '')).size > 1);
  const findings: ClientFinding[] = [];
  if (changed.length > 0) {
    const retries = changed.reduce((n, c) => n + c.attempts.length - 1, 0);
    findings.push(
      finding(
        'client.idempotency-key-changed',
        'error',
        `${changed.length} retried create(s) changed or dropped the Idempotency-Key between attempts (${retries} retries): the API cannot tell a retry from a new create, so a retry after a lost answer creates a duplicate`,
        'Create the Idempotency-Key once per logical create, before the first attempt, and send the same value on every retry.',
        changed.flatMap((c) => c.attempts),
        options.maxEvidence,
        changed.length,
      ),
    );
  }
  return judged(
    'idempotency-key-reuse',
    findings,
    `${keyed.length} retried create(s) kept their Idempotency-Key`,
  );
}
