import { z } from 'zod';
import { InputError } from '../../core/errors.js';

const outage = z
  .object({
    from: z
      .number()
      .describe('Epoch milliseconds when the upstream went down (or the fault was switched on).'),
    to: z.number().describe('Epoch milliseconds when it came back (or the fault was switched off).'),
  })
  .strict();

/** What the judges need to know about the API and how strict to be; every field has a default. */
export const observeOptionsSchema = z
  .object({
    createMethods: z
      .array(z.string().min(1))
      .default(['POST'])
      .describe(
        'Methods whose requests are creates (not idempotent): their retries need an Idempotency-Key.',
      ),
    createOperations: z
      .array(z.string().min(1))
      .default([])
      .describe('operationIds (or "METHOD /template") that are creates whatever their method.'),
    tokenPaths: z
      .array(z.string().min(1))
      .default(['/oauth/token', '/oauth2/token', '/token'])
      .describe('Paths of the token endpoint: calls there are token fetches, not API calls.'),
    timeoutMs: z
      .number()
      .positive()
      .default(30_000)
      .describe('The longest a client should wait for an answer before giving up.'),
    retryWindowMs: z
      .number()
      .positive()
      .default(60_000)
      .describe(
        'A repeat of a failed request later than this (plus any Retry-After) is a new request, not a retry.',
      ),
    backoffFloorMs: z
      .number()
      .nonnegative()
      .default(100)
      .describe('A retry sequence that never waits this long is hammering.'),
    retryAfterToleranceMs: z
      .number()
      .nonnegative()
      .default(50)
      .describe('How much earlier than Retry-After a retry may come (clock and timer granularity).'),
    jitterToleranceMs: z
      .number()
      .nonnegative()
      .default(3)
      .describe('Gaps closer than this (or 3 %) are "identical" when looking for jitter.'),
    outageMinFailures: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe('Consecutive failures (5xx, resets, black holes) that make an outage when none is given.'),
    outageMinMs: z
      .number()
      .positive()
      .default(1000)
      .describe('The shortest run of failures that counts as an outage when none is given.'),
    recoveryMs: z
      .number()
      .positive()
      .default(30_000)
      .describe('A client silent this long after an outage ended has not recovered.'),
    outages: z
      .array(outage)
      .optional()
      .describe(
        'Known outage windows (e.g. when a fault was switched on and off); inferred from failures if absent.',
      ),
    observedUntil: z
      .number()
      .optional()
      .describe('Epoch milliseconds when the observation ended; defaults to the last exchange.'),
    maxEvidence: z.number().int().positive().default(10).describe('Exchanges cited per finding.'),
  })
  .strict();

/** Options as a caller writes them (everything optional). */
export type ObserveOptions = z.input<typeof observeOptionsSchema>;
/** Options with the defaults applied. */
export type ResolvedObserveOptions = z.output<typeof observeOptionsSchema>;

/** Applies the defaults; invalid options are an InputError naming every problem. */
export function resolveObserveOptions(options: ObserveOptions = {}): ResolvedObserveOptions {
  const parsed = observeOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new InputError('observe.options-invalid', `invalid observe options: ${problems.join('; ')}`);
}
