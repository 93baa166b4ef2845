import type { DetectorKind, MonitorSample } from '../types.js';
import type { ConfigOf, DetectorKindImpl } from './kind.js';
import {
  dedupKeyOf,
  type Judgement,
  keyState,
  type Lifecycle,
  newLifecycle,
  step,
  watches,
} from './lifecycle.js';

/** State of a kind with one problem per monitor × environment. */
export interface PerMonitorState<K extends DetectorKind, KS> {
  kind: K;
  keys: Record<string, KS & { lc: Lifecycle }>;
}

/** What a per-monitor kind supplies; the rest (filtering, keys, life cycle) is shared. */
export interface PerMonitorSpec<K extends DetectorKind, KS> {
  kind: K;
  /** Title prefix, e.g. "Latency spike" → "Latency spike on api-health (production)". */
  what: string;
  /** Whether a sample says anything to this kind (so monitors it cannot judge create no key). */
  applies(config: ConfigOf<K>, sample: MonitorSample): boolean;
  /** Kind-specific key state: windows, baselines. */
  createKey(config: ConfigOf<K>): KS;
  /** Judges a sample, updating the key's windows. Called for every sample of a monitor with a key. */
  judge(config: ConfigOf<K>, key: KS, sample: MonitorSample, now: number): Judgement;
  /** After a recovery: drop the evidence so a new trigger needs fresh samples. */
  reset(key: KS): void;
}

/** Builds a detector kind that keeps one key per monitor and environment. */
export function perMonitorDetector<K extends DetectorKind, KS>(
  spec: PerMonitorSpec<K, KS>,
): DetectorKindImpl<K, PerMonitorState<K, KS>> {
  return {
    kind: spec.kind,
    initial: () => ({ kind: spec.kind, keys: {} }),
    isState: (state: unknown): state is PerMonitorState<K, KS> =>
      typeof state === 'object' &&
      state !== null &&
      (state as { kind?: unknown }).kind === spec.kind &&
      typeof (state as { keys?: unknown }).keys === 'object',
    evaluate(config, state, sample, now) {
      if (!watches(config, sample.monitorId)) return { state, signals: [] };
      const dedupKey = dedupKeyOf(config.id, sample.monitorId, sample.environment);
      if (!state.keys[dedupKey] && !spec.applies(config, sample)) return { state, signals: [] };
      const key = keyState(state.keys, dedupKey, () => ({
        ...spec.createKey(config),
        lc: newLifecycle(now),
      }));
      const judgement = spec.judge(config, key, sample, now);
      const info = {
        dedupKey,
        monitorId: sample.monitorId,
        environment: sample.environment,
        title: `${spec.what} on ${sample.monitorId} (${sample.environment})`,
      };
      const signal = step(key.lc, config, info, judgement, now);
      if (!signal) return { state, signals: [] };
      if (signal.type === 'recover') spec.reset(key);
      return { state, signals: [signal] };
    },
  };
}
