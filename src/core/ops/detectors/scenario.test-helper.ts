import assert from 'node:assert/strict';
import type { DetectorCommon, DetectorKind, MonitorSample, Signal } from '../types.js';
import type { ConfigOf, DetectorKindImpl } from './kind.js';

/** Scenario times are seconds after this instant. */
export const T0 = 1_700_000_000_000;
export const at = (seconds: number): number => T0 + seconds * 1000;

/** A passing sample of monitor "api" in production, with overrides. */
export function sample(over: Partial<MonitorSample> = {}): MonitorSample {
  return {
    monitorId: 'api',
    environment: 'production',
    at: T0,
    outcome: 'passed',
    durationMs: 50,
    measurements: {},
    findings: [],
    ...over,
  };
}

export const COMMON: DetectorCommon = {
  id: 'det',
  severity: 'SEV2',
  monitors: [],
  windowMs: 300_000,
  recoverAfter: 2,
  flapMs: 600_000,
  actions: [],
  autoResolve: true,
};

/** A normalised detector config: common defaults, the kind's options, overrides. */
export function configOf<K extends DetectorKind>(
  kind: K,
  options: Omit<ConfigOf<K>, keyof DetectorCommon | 'kind'>,
  over: Partial<DetectorCommon> = {},
): ConfigOf<K> {
  return { ...COMMON, ...over, kind, ...options } as unknown as ConfigOf<K>;
}

/** One step of a scenario: at `t` seconds, this sample. */
export type Step = [t: number, sample: Partial<MonitorSample>];

/** Feeds the steps to a kind; returns every signal and a compact trace ("trigger@120"). */
export function play<K extends DetectorKind, S>(
  impl: DetectorKindImpl<K, S>,
  config: ConfigOf<K>,
  steps: readonly Step[],
  initial?: S,
): { signals: Signal[]; trace: string[]; state: S } {
  let state = initial ?? impl.initial(config);
  const signals: Signal[] = [];
  for (const [t, over] of steps) {
    const now = at(t);
    const result = impl.evaluate(config, state, sample({ at: now, ...over }), now);
    state = result.state;
    signals.push(...result.signals);
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state, 'the state stays plain JSON');
  }
  const trace = signals.map((s) => `${s.type}@${(s.at - T0) / 1000}`);
  return { signals, trace, state };
}

/** A row of a scenario table. */
export interface Scenario<K extends DetectorKind> {
  name: string;
  config: ConfigOf<K>;
  steps: Step[];
  /** Expected trace: "trigger@120", "update@900", "recover@300". */
  expect: string[];
  /** Further checks on the signals. */
  check?: (signals: Signal[]) => void;
}

/** Steps every `every` seconds from `from`, all with the same sample. */
export function repeat(from: number, count: number, every: number, over: Partial<MonitorSample>): Step[] {
  return Array.from({ length: count }, (_, i) => [from + i * every, over] as Step);
}
