import fc from 'fast-check';

/** How much a property-based search may send for one operation. */
export interface PropertyBudget {
  /** Generated cases tried before the operation is declared fine. */
  numRuns: number;
  /** Requests sent while shrinking a failing case, at most. */
  maxShrinks: number;
  /** fast-check seed (32-bit), derived from the run's seed so `--seed` reproduces the run. */
  seed: number;
}

/** What one attempt says: whether the response broke the contract, and what to keep of it. */
export interface Attempt<T> {
  failed: boolean;
  result: T;
}

export interface PropertyOutcome<V, T> {
  /** The smallest failing case found, with what its attempt returned. */
  failure?: { values: V; result: T };
  /** The failing case as first generated, before shrinking. */
  original?: V;
  /** Requests sent while generating, and while shrinking. */
  generated: number;
  shrinking: number;
  /** Accepted shrink steps (each a smaller case that still failed). */
  shrinks: number;
  /** True when fast-check could not generate a single valid case. */
  exhausted: boolean;
}

/**
 * Runs fast-check over `arbitrary`, keeping only cases `valid` accepts, calling `attempt` for each
 * (which sends the request); on a failing case, shrinks it within the budget. `attempt` is told
 * whether it runs while shrinking, so callers record only the final counterexample's findings.
 * Stops sending once `signal` is aborted and then throws its reason.
 */
export async function searchFailure<V, T>(
  arbitrary: fc.Arbitrary<V>,
  valid: (values: V) => boolean,
  attempt: (values: V, shrinking: boolean) => Promise<Attempt<T> | undefined>,
  budget: PropertyBudget,
  signal: AbortSignal,
): Promise<PropertyOutcome<V, T>> {
  const outcome: PropertyOutcome<V, T> = { generated: 0, shrinking: 0, shrinks: 0, exhausted: false };
  // An error of ours (not a finding) ends the search: fast-check would otherwise shrink it, sending more.
  let broken: { error: unknown } | undefined;
  // Shrinking proposes the same candidate more than once: its answer is not asked for again.
  const answers = new Map<string, Attempt<T> | undefined>();
  const property = fc.asyncProperty(arbitrary, async (values) => {
    const shrinking = outcome.original !== undefined;
    // Past the budget or the deadline, every remaining candidate is skipped: nothing more is sent.
    fc.pre(!broken && !signal.aborted && (!shrinking || outcome.shrinking < budget.maxShrinks));
    fc.pre(valid(values));
    const key = JSON.stringify(values);
    let tried: Attempt<T> | undefined;
    if (answers.has(key)) tried = answers.get(key);
    else {
      if (shrinking) outcome.shrinking += 1;
      else outcome.generated += 1;
      try {
        tried = await attempt(values, shrinking);
      } catch (error) {
        broken = { error };
        return true;
      }
      answers.set(key, tried);
    }
    if (!tried?.failed) return true;
    outcome.original ??= values;
    outcome.failure = { values, result: tried.result };
    return false;
  });
  const details = await fc.check(property, {
    numRuns: budget.numRuns,
    seed: budget.seed,
    // Invalid candidates (oneOf overlaps, formats) are skipped; a schema that yields almost none
    // must not spin for long.
    maxSkipsPerRun: 20,
    verbose: 0,
  });
  if (signal.aborted) throw signal.reason;
  if (broken) throw broken.error;
  outcome.shrinks = outcome.failure ? details.numShrinks : 0;
  outcome.exhausted = details.failed && !outcome.failure && outcome.generated === 0;
  return outcome;
}

/** Scalars (and empty containers) in a value: how big a request is, for shrink messages. */
export function valueCount(value: unknown): number {
  if (Array.isArray(value))
    return value.length === 0 ? 1 : value.reduce((n: number, v) => n + valueCount(v), 0);
  if (value !== null && typeof value === 'object') {
    const values = Object.values(value);
    return values.length === 0 ? 0 : values.reduce((n: number, v) => n + valueCount(v), 0);
  }
  return value === undefined ? 0 : 1;
}
