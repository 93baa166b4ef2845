import type { Operation } from '../../openapi/types.js';
import { collectionOf, collectionPath, isSafe } from './order.js';

/**
 * For each operation (in run order), the index of the last earlier operation that must be recorded
 * before it starts, or -1: so it sees the API's state and the captured ids a one-at-a-time run would.
 *
 * An operation that changes the API (any method but GET, HEAD, OPTIONS) or follows links (their
 * targets may) waits for every earlier one, and every later one waits for it: stateful sequences keep
 * their order. A read waits for the earlier operations whose captured ids it may use: lists and
 * creates (a path not ending in a parameter) remember their collection's first resource and its
 * `...id` properties by name; a read uses the collections of its path parameters, ids by name for
 * parameters named `...id`, and (a list) the ids created in its own collection.
 */
export function startsAfter(ops: readonly Operation[]): number[] {
  let lastWriter = -1;
  let lastBarrier = -1;
  const lastByCollection = new Map<string, number>();
  return ops.map((op, i) => {
    const links = op.responses.some((r) => Object.keys(r.links).length > 0);
    const lists = !op.path.endsWith('}') && ['GET', 'POST', 'PUT'].includes(op.method);
    let after = lastBarrier;
    if (links || !isSafe(op.method)) {
      after = i - 1;
      lastBarrier = i;
    } else {
      const pathParams = op.parameters.filter((p) => p.in === 'path');
      if (pathParams.some((p) => /id$/i.test(p.name))) after = Math.max(after, lastWriter);
      const reads = pathParams.map((p) => collectionOf(op.path, p.name));
      if (lists) reads.push(collectionPath(op));
      for (const c of reads) after = Math.max(after, lastByCollection.get(c) ?? -1);
    }
    if (lists || links) {
      lastWriter = i;
      lastByCollection.set(collectionPath(op), i);
    }
    return after;
  });
}

/**
 * Runs `work(i)` for i = 0..count-1, taken in order, at most `concurrency` at once; i starts only
 * after operation `after[i]` has been committed. `commit(i)` runs in index order, as soon as every
 * operation up to i has finished. The first error stops new work; running work is awaited, then the
 * error is thrown.
 */
export async function runOrdered(
  count: number,
  concurrency: number,
  after: readonly number[],
  work: (index: number) => Promise<void>,
  commit: (index: number) => void,
): Promise<void> {
  const finished: boolean[] = new Array<boolean>(count).fill(false);
  let committed = 0; // operations [0, committed) are committed
  let next = 0;
  let failure: { error: unknown } | undefined;
  const waiting: { index: number; resume: () => void }[] = [];
  const wake = () => {
    for (let k = waiting.length - 1; k >= 0; k--) {
      const w = waiting[k]!;
      if (failure || w.index < committed) {
        waiting.splice(k, 1);
        w.resume();
      }
    }
  };
  const committedPast = (index: number) =>
    index < committed ? undefined : new Promise<void>((resume) => waiting.push({ index, resume }));
  const lane = async () => {
    while (!failure && next < count) {
      const i = next++;
      const dependency = after[i] ?? -1;
      if (dependency >= 0) await committedPast(dependency);
      if (failure) return;
      try {
        await work(i);
        finished[i] = true;
        while (committed < count && finished[committed]) commit(committed++);
      } catch (error) {
        failure ??= { error };
      }
      wake();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  if (failure) throw failure.error;
}
