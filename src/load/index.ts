// The load engine's public surface: plans, steps, the run, thresholds' early failure, target resolution.
export { certainFailure } from './abort.js';
export { Histogram } from './histogram.js';
export { errorClassOf, httpStep } from './http-step.js';
export { MAX_WORKERS, type RunLoadOptions, runLoad, validatePlan } from './run.js';
export { loadMeasurements } from './summary.js';
export { type LoadRequest, resolveLoadTarget, toStepSpec } from './target.js';
export type {
  HttpStepSpec,
  LoadModel,
  LoadPlan,
  LoadProgress,
  LoadSummary,
  RateStage,
  SeriesPoint,
  StepFunction,
  StepOutcome,
} from './types.js';
