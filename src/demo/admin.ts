import { errorMessage } from '../core/errors.js';
import type { Handler, SandboxRuntime, SandboxStats } from './context.js';
import { FAULTS, parseFaults } from './faults.js';
import { json, problem } from './http-io.js';

/** GET /__admin/faults: the active faults and the ones available. */
export const readFaults: Handler = (rt) =>
  json(200, { faults: rt.faults.list(), available: FAULTS.map((f) => ({ ...f })) });

/** POST /__admin/faults with {"faults": [...]}: replaces the active faults. */
export const writeFaults: Handler = (rt, ctx) => {
  let body: unknown;
  try {
    body = JSON.parse(ctx.body);
  } catch {
    return problem(400, 'invalid_json', 'The body is not valid JSON', 'Send {"faults": ["slow", ...]}.');
  }
  const names = (body as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    return problem(
      400,
      'invalid_faults',
      'faults must be an array of fault names',
      'Send {"faults": []} to clear.',
    );
  }
  try {
    rt.faults.set(parseFaults(names));
  } catch (error) {
    return problem(400, 'unknown_fault', 'Unknown fault', errorMessage(error));
  }
  return json(200, { faults: rt.faults.list() });
};

/** A copy of the sandbox's counters, with the derived ones filled in. */
export function statsOf(rt: SandboxRuntime): SandboxStats {
  return {
    ...rt.stats,
    byOperation: { ...rt.stats.byOperation },
    byStatus: { ...rt.stats.byStatus },
    tokensIssued: rt.issuer.issued,
    payments: rt.payments.size,
    idempotentReplays: rt.idempotency.replays,
  };
}

/** GET /__admin/stats: the counters of SandboxStats. */
export const readStats: Handler = (rt) => json(200, statsOf(rt));
