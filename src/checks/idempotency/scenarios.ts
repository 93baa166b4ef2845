import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../core/errors.js';
import type { Finding } from '../../core/result.js';
import type { HttpClient } from '../../http/client.js';
import type { HttpRequest } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import type { Evidence } from '../evidence.js';
import { isTargetFailure } from '../http-failure.js';
import { added, type CollectionCounter } from './collection.js';
import { type Answer, answerOf, distinctIds, firstDifference, isSuccess } from './compare.js';

/** What every scenario works with: the create, its key header, a valid request, and where findings go. */
export interface Run {
  op: Operation;
  header: string;
  /** A valid create, without the key header. */
  request: HttpRequest;
  /** The same create with another valid body, when one could be made. */
  changed?: HttpRequest;
  http: HttpClient;
  signal: AbortSignal;
  evidence: Evidence;
  counter?: CollectionCounter;
  /** Behaviours not judged, and why. */
  notJudged: string[];
  /** Resources this check created (for the summary). */
  created: Set<string>;
}

/** A fault proxy in front of the API that answers the first create with a reset after the API did it. */
export interface CommitThenReset {
  url: string;
  close(): Promise<void>;
}

type Sent = Answer | { failure: string };

async function send(run: Run, key: string, request = run.request, url?: string): Promise<Sent> {
  const req: HttpRequest = {
    ...request,
    ...(url !== undefined && { url: url + request.url }),
    headers: { ...request.headers, [run.header]: key },
  };
  try {
    const answer = answerOf(await run.http.request(req, run.signal));
    run.evidence.keep(answer.res.exchange);
    if (answer.id !== undefined) run.created.add(String(answer.id));
    return answer;
  } catch (error) {
    if (!isTargetFailure(error) || run.signal.aborted) throw error;
    return { failure: errorMessage(error) };
  }
}

const answered = (s: Sent): s is Answer => !('failure' in s);

function finding(
  run: Run,
  code: string,
  severity: Finding['severity'],
  message: string,
  expected: string,
  actual: string,
  hint: string,
  at?: Answer,
  pointer = '',
): void {
  run.evidence.add(
    {
      code,
      severity,
      message: `${run.op.id}: ${message}`,
      operation: run.op.id,
      pointer,
      expected,
      actual,
      hint,
      ...(at && { curl: at.res.curl }),
    },
    at?.res.exchange,
  );
}

/** The first create must succeed: without it nothing else can be judged. */
export async function firstCreate(run: Run, key: string): Promise<Answer | undefined> {
  const first = await send(run, key);
  if (answered(first) && isSuccess(first)) return first;
  finding(
    run,
    'idempotency.create-failed',
    'error',
    `the create with a fresh ${run.header} did not succeed, so idempotency could not be checked`,
    '2xx',
    answered(first) ? String(first.status) : first.failure,
    'Give the check a request body the API accepts (option `body`), or fix the create.',
    answered(first) ? first : undefined,
    'status',
  );
  return undefined;
}

/** Counts of new resources are judged only when the collection can be listed whole. */
async function ids(run: Run): Promise<Set<string> | undefined> {
  return run.counter ? await run.counter.ids(run.signal) : undefined;
}

function judgeGrowth(
  run: Run,
  before: Set<string> | undefined,
  after: Set<string> | undefined,
  what: string,
) {
  if (!before || !after) return;
  const fresh = added(before, after);
  if (fresh.length <= 1) return;
  finding(
    run,
    'idempotency.duplicate',
    'error',
    `${what} created ${fresh.length} resources (${fresh.slice(0, 3).join(', ')}), not one: the listing ${run.counter?.list.id} grew by ${fresh.length}`,
    'exactly one new resource per key',
    `${fresh.length} new resources`,
    'Store the key with the created resource atomically and answer retries from that record.',
  );
}

/** The same create sent `times` times in a row with one key: one resource, the same answer every time. */
export async function sequential(
  run: Run,
  times: number,
): Promise<{ answer: Answer; key: string } | undefined> {
  const key = randomUUID();
  const before = await ids(run);
  const first = await firstCreate(run, key);
  if (!first) return undefined;
  for (let i = 1; i < times; i++) {
    const again = await send(run, key);
    judgeReplay(run, first, again, `repeat ${i} of the same create with the same ${run.header}`);
  }
  judgeGrowth(run, before, await ids(run), `${times} sequential sends with one ${run.header}`);
  return { answer: first, key };
}

function judgeReplay(run: Run, first: Answer, again: Sent, what: string): void {
  if (!answered(again)) {
    finding(
      run,
      'idempotency.replay-error',
      'error',
      `${what} got no answer: ${again.failure}`,
      `${first.status}`,
      again.failure,
      'A retry with the same key must get the stored answer.',
    );
    return;
  }
  if (again.status >= 500) {
    finding(
      run,
      'idempotency.replay-error',
      'error',
      `${what} answered ${again.status}`,
      String(first.status),
      String(again.status),
      'A retry with the same key must get the stored answer, never a server error.',
      again,
      'status',
    );
    return;
  }
  if (isSuccess(again) && again.id !== undefined && first.id !== undefined && again.id !== first.id) {
    finding(
      run,
      'idempotency.duplicate',
      'error',
      `${what} created another resource (${again.id}, first ${first.id})`,
      `id ${first.id}`,
      `id ${again.id}`,
      'Look the key up before creating; answer a retry with the stored result of the first request.',
      again,
      '/id',
    );
    return;
  }
  if (again.status !== first.status) {
    finding(
      run,
      'idempotency.replay-differs',
      'warning',
      `${what} answered ${again.status}, the first send ${first.status}`,
      String(first.status),
      String(again.status),
      'Answer a retry exactly as the first request was answered (status and body).',
      again,
      'status',
    );
    return;
  }
  const at = firstDifference(first.body, again.body);
  if (at !== undefined) {
    finding(
      run,
      'idempotency.replay-differs',
      'warning',
      `${what} answered a different body (first difference at ${at})`,
      'the body of the first answer',
      `differs at ${at}`,
      'Replay the stored body of the first answer for retries with the same key.',
      again,
      at === '/' ? '' : at,
    );
  }
}

/** Answers a concurrent duplicate may get while the first is in progress. */
const IN_PROGRESS = new Set([409, 425, 429]);

/** `parallel` identical creates at once with one key: at most one resource, no server error. */
export async function concurrent(run: Run, parallel: number): Promise<void> {
  const key = randomUUID();
  const before = await ids(run);
  const sent = await Promise.all(Array.from({ length: parallel }, () => send(run, key)));
  const answers = sent.filter(answered);
  const crashed = answers.find((a) => a.status >= 500);
  if (crashed) {
    finding(
      run,
      'idempotency.concurrent-error',
      'error',
      `${parallel} concurrent sends with one ${run.header}: one answered ${crashed.status}`,
      '2xx, or 409 while the first is in progress',
      String(crashed.status),
      'Serialise requests per key (a unique constraint or lock on the key) and answer 409 to a duplicate in progress.',
      crashed,
      'status',
    );
  }
  const madeIds = distinctIds(answers.filter(isSuccess));
  if (madeIds.length > 1) {
    const second = answers.find((a) => a.id === madeIds[1]);
    finding(
      run,
      'idempotency.duplicate-concurrent',
      'error',
      `${parallel} concurrent sends with one ${run.header} created ${madeIds.length} resources (${madeIds.slice(0, 3).join(', ')})`,
      'one resource',
      `${madeIds.length} resources`,
      'Reserve the key atomically before creating (insert-if-absent), so a concurrent duplicate waits or gets 409.',
      second,
      '/id',
    );
  }
  const odd = answers.find((a) => !isSuccess(a) && a.status < 500 && !IN_PROGRESS.has(a.status));
  if (odd) {
    finding(
      run,
      'idempotency.concurrent-refused',
      'warning',
      `a concurrent duplicate was answered ${odd.status}`,
      '2xx replay, or 409/425/429 while in progress',
      String(odd.status),
      'Answer a duplicate in progress with 409 (draft-ietf-httpapi-idempotency-key-header) and document it.',
      odd,
      'status',
    );
  }
  judgeGrowth(run, before, await ids(run), `${parallel} concurrent sends with one ${run.header}`);
}

/**
 * The client times out after the API committed (the proxy resets the connection once the API has
 * answered), then retries with the same key: the retry must succeed and no second resource appear.
 */
export async function afterTimeout(run: Run, proxy: CommitThenReset): Promise<void> {
  const key = randomUUID();
  const before = await ids(run);
  const lost = await send(run, key, run.request, proxy.url);
  if (answered(lost)) {
    run.notJudged.push('timeout after commit: the proxy did not cut the answer, so nothing was simulated');
    return;
  }
  const retry = await send(run, key);
  if (!answered(retry) || !isSuccess(retry)) {
    finding(
      run,
      'idempotency.retry-after-timeout-failed',
      'error',
      `a retry with the same ${run.header} after a timeout (the first request was done) was answered ${answered(retry) ? retry.status : retry.failure}`,
      '2xx with the first request’s result',
      answered(retry) ? String(retry.status) : retry.failure,
      'A retry after a lost answer must get the stored result of the first request.',
      answered(retry) ? retry : undefined,
      'status',
    );
    return;
  }
  const after = await ids(run);
  if (!before || !after) {
    run.notJudged.push(
      `timeout after commit: resources not counted (no complete listing of the collection), only the retry's success was judged`,
    );
    return;
  }
  const fresh = added(before, after);
  if (fresh.length > 1) {
    finding(
      run,
      'idempotency.duplicate-after-timeout',
      'error',
      `a retry with the same ${run.header} after a lost answer created a second resource (${fresh.slice(0, 3).join(', ')})`,
      'one resource',
      `${fresh.length} resources`,
      'The first request committed: the retry must find the key and replay its answer instead of creating again.',
      retry,
      '/id',
    );
  }
}

/** The same body under a new key must make a new resource. */
export async function differentKey(run: Run, first: Answer): Promise<void> {
  const other = await send(run, randomUUID());
  if (!answered(other) || !isSuccess(other)) {
    run.notJudged.push(
      `a new key with the same body: answered ${answered(other) ? other.status : other.failure} (a unique field in the body?)`,
    );
    return;
  }
  if (other.id !== undefined && first.id !== undefined && other.id === first.id) {
    finding(
      run,
      'idempotency.key-ignored',
      'error',
      `a new ${run.header} with the same body returned the first resource (${first.id})`,
      'a new resource',
      `id ${other.id} again`,
      'Deduplicate on the key, not on the body: two creates with different keys are two resources.',
      other,
      '/id',
    );
  }
}

/** A reused key with another (valid) body must be refused with a documented 4xx. */
export async function changedBody(run: Run, reusedKey: string): Promise<void> {
  if (!run.changed) {
    run.notJudged.push('a reused key with another body: no second valid body could be made');
    return;
  }
  // The changed body must be acceptable on its own, or a refusal would not be about the key.
  const alone = await send(run, randomUUID(), run.changed);
  if (!answered(alone) || !isSuccess(alone)) {
    run.notJudged.push(
      `a reused key with another body: that body alone was answered ${answered(alone) ? alone.status : alone.failure}`,
    );
    return;
  }
  const reused = await send(run, reusedKey, run.changed);
  if (!answered(reused)) {
    finding(
      run,
      'idempotency.changed-body-error',
      'error',
      `a reused ${run.header} with another body got no answer: ${reused.failure}`,
      '4xx',
      reused.failure,
      'Refuse a reused key with a different body with 409 or 422, as documented.',
    );
    return;
  }
  const documented = run.op.responses.map((r) => r.status).filter((s) => /^4/.test(s));
  const expected = documented.length ? documented.join(' or ') : '4xx';
  if (isSuccess(reused) || reused.status >= 500) {
    finding(
      run,
      reused.status >= 500 ? 'idempotency.changed-body-error' : 'idempotency.changed-body-accepted',
      'error',
      `a reused ${run.header} with another body was answered ${reused.status}`,
      expected,
      String(reused.status),
      'Keep a fingerprint of the body with the key and refuse a mismatch with 422 (or 409), as draft-ietf-httpapi-idempotency-key-header says.',
      reused,
      'status',
    );
    return;
  }
  const fits = documented.some((s) => s === String(reused.status) || s === `${String(reused.status)[0]}XX`);
  if (reused.status < 400 || (documented.length > 0 && !fits)) {
    finding(
      run,
      'idempotency.changed-body-undocumented',
      'warning',
      `a reused ${run.header} with another body was answered ${reused.status}, which the spec does not document`,
      expected,
      String(reused.status),
      'Document the status the API answers for a reused key with a different body.',
      reused,
      'status',
    );
  }
}
