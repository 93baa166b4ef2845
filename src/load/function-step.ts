import type { Step, StepFunction } from './types.js';

/** Thrown into a step's signal when it runs past its timeout. */
class StepTimeout extends Error {
  readonly code = 'load.step-timeout';
}

/**
 * Adapts a generic async step (a whole flow per iteration) to the engine. A step that runs past
 * `timeoutMs` counts as a "timeout" and its signal is aborted; one that throws counts under its error's
 * code, or "exception".
 */
export function functionStep(fn: StepFunction, timeoutMs: number): Step {
  return {
    start(iteration, done) {
      const controller = new AbortController();
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        controller.abort(new StepTimeout(`step ran longer than ${timeoutMs} ms`));
        done(false, 0, 'timeout');
      }, timeoutMs);
      fn(iteration, controller.signal).then(
        (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          done(outcome.ok, outcome.status ?? 0, outcome.ok ? undefined : outcome.errorClass);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const code = (error as { code?: unknown } | null)?.code;
          done(false, 0, typeof code === 'string' ? code : 'exception');
        },
      );
    },
    close: async () => {},
  };
}
