import type { DetectorConfig, DetectorKind, MonitorSample, Signal } from '../types.js';
import { availability } from './availability.js';
import { certificateExpiring } from './certificate-expiring.js';
import { credentialFailing } from './credential-failing.js';
import { custom } from './custom.js';
import { errorRateSpike } from './error-rate-spike.js';
import type { ConfigOf, DetectorKindImpl } from './kind.js';
import { latencySpike } from './latency-spike.js';
import { schemaDrift } from './schema-drift.js';

export type { ConfigOf, DetectorKindImpl, Evaluation } from './kind.js';
export { DEFAULT_DRIFT_CODES, NOT_DRIFT_CODES } from './schema-drift.js';

/** Every detector kind, by name: adding a kind is one file and one line here. */
export const DETECTORS: { [K in DetectorKind]: DetectorKindImpl<K, unknown> } = {
  'schema-drift': schemaDrift as DetectorKindImpl<'schema-drift', unknown>,
  'latency-spike': latencySpike as DetectorKindImpl<'latency-spike', unknown>,
  'error-rate-spike': errorRateSpike as DetectorKindImpl<'error-rate-spike', unknown>,
  availability: availability as DetectorKindImpl<'availability', unknown>,
  'certificate-expiring': certificateExpiring as DetectorKindImpl<'certificate-expiring', unknown>,
  'credential-failing': credentialFailing as DetectorKindImpl<'credential-failing', unknown>,
  custom: custom as DetectorKindImpl<'custom', unknown>,
};

/** Detector states of a whole playbook, by detector id (plain JSON, stored between samples). */
export type DetectorStates = Record<string, unknown>;

function implFor<K extends DetectorKind>(config: ConfigOf<K>): DetectorKindImpl<K, unknown> {
  return DETECTORS[config.kind as K] as DetectorKindImpl<K, unknown>;
}

/**
 * Runs one sample through every detector of a playbook. Returns the states to keep (only those of
 * the given detectors: a removed detector's state is dropped, one whose kind changed starts over)
 * and the signals, in detector order. States are updated in place (see DetectorKindImpl).
 */
export function evaluateDetectors(
  configs: readonly DetectorConfig[],
  states: DetectorStates,
  sample: MonitorSample,
  now: number,
): { states: DetectorStates; signals: Signal[] } {
  const next: DetectorStates = {};
  const signals: Signal[] = [];
  for (const config of configs) {
    const impl = implFor(config);
    const stored = Object.hasOwn(states, config.id) ? states[config.id] : undefined;
    const state = impl.isState(stored) ? stored : impl.initial(config);
    const result = impl.evaluate(config, state, sample, now);
    // defineProperty: a detector id is user text, and "__proto__" must stay an ordinary key.
    Object.defineProperty(next, config.id, {
      value: result.state,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    for (const signal of result.signals) signals.push(signal);
  }
  return { states: next, signals };
}
