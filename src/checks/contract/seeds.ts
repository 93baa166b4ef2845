/**
 * The seed of an operation's first request: from the run's seed and the operation's position in the
 * run order (which concurrency does not change), so `--seed` reproduces a run at any concurrency.
 */
export function operationSeed(runSeed: number, index: number): number {
  return runSeed + index * 101;
}

/** A 32-bit fast-check seed for the operation at `index`, derived from the run's seed. */
export function propertySeed(runSeed: number, index: number): number {
  return (Math.imul(runSeed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) | 0;
}
