/**
 * Runs tasks with at most `limit` in flight; resolves when all are settled. Order of start is the list
 * order. An item for which `alone` is true waits until nothing else runs, and nothing starts while it
 * runs (a check that counts resources or measures latency must not share the target with others).
 */
export function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  alone: (item: T) => boolean = () => false,
): Promise<void> {
  const most = Math.max(1, limit);
  let next = 0;
  let running = 0;
  let exclusive = false;
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      while (next < items.length && !exclusive && running < most) {
        const item = items[next]!;
        const solo = alone(item);
        if (solo && running > 0) break;
        next += 1;
        running += 1;
        exclusive = solo;
        task(item).then(
          () => {
            running -= 1;
            if (solo) exclusive = false;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
      if (next >= items.length && running === 0) resolve();
    };
    pump();
  });
}
