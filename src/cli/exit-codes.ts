import { GangwayError, InputError } from '../core/errors.js';

/** Exit codes are a documented contract (README, docs/playbook.md). */
export const EXIT = {
  /** The gate is open, or no findings. */
  ok: 0,
  /** The gate is blocked: a required check failed or errored (also after an interrupted run). */
  blocked: 1,
  /** Invalid input: playbook, spec, flags. */
  invalidInput: 2,
  /** Gangway's own internal error. */
  internal: 3,
  /** Interrupted twice: stopped at once without reports. */
  aborted: 130,
} as const;

/** Maps an error to its exit code: the one place that decides. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof InputError) return EXIT.invalidInput;
  if (error instanceof GangwayError && error.code.startsWith('cli.')) return EXIT.invalidInput;
  return EXIT.internal;
}
