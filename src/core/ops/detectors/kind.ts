import type { DetectorConfig, DetectorKind, MonitorSample, Signal } from '../types.js';

/** The normalised config of one detector kind. */
export type ConfigOf<K extends DetectorKind> = Extract<DetectorConfig, { kind: K }>;

/** What one evaluation returns: the state to keep and the signals for the incident engine. */
export interface Evaluation<S> {
  state: S;
  signals: Signal[];
}

/**
 * A detector kind: one file each, registered in index.ts. `evaluate` is a pure function of
 * (config, state, sample, now) — no clock, no I/O — except that it owns `state`: it updates the
 * JSON in place and returns it, so a sample costs O(1) instead of a copy of every window. Callers
 * that need the previous state keep a copy (structuredClone) before evaluating.
 */
export interface DetectorKindImpl<K extends DetectorKind = DetectorKind, S = unknown> {
  kind: K;
  /** The state before any sample. */
  initial(config: ConfigOf<K>): S;
  /** Judges one sample (ignoring those of monitors the detector does not watch). */
  evaluate(config: ConfigOf<K>, state: S, sample: MonitorSample, now: number): Evaluation<S>;
  /** Whether a stored state belongs to this kind (a playbook edit may change a detector's kind). */
  isState(state: unknown): state is S;
}
