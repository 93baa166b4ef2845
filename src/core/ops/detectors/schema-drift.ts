import type { MonitorSample, SampleFinding, Signal } from '../types.js';
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

/**
 * Finding codes of the contract check that mean "the response no longer matches the contract"
 * (docs/report-format.md), used when the detector lists no codes.
 */
export const DEFAULT_DRIFT_CODES: readonly string[] = [
  'response.status.',
  'response.content-type.',
  'response.body.',
  'response.header.',
];
/**
 * response.* codes that are not drift even under a broad prefix such as "response.": a 5xx, no
 * answer or a slow answer is the error-rate, availability and latency detectors' business. Listing
 * the full code in `codes` counts it all the same.
 */
export const NOT_DRIFT_CODES: ReadonlySet<string> = new Set([
  'response.server-error',
  'response.none',
  'response.slow',
]);
/** Pointers remembered per operation (the oldest is forgotten past this). */
export const MAX_POINTERS = 20;
/** Operation keys tracked per monitor and environment. */
export const MAX_OPERATIONS = 200;

interface PointerSeen {
  pointer: string;
  code: string;
  firstSeen: number;
  lastSeen: number;
}

interface OperationKey {
  lc: Lifecycle;
  operation: string;
  pointers: PointerSeen[];
}

export interface SchemaDriftState {
  kind: 'schema-drift';
  /** Per monitor and environment (key "monitor:environment"), then per dedup key (one per operation). */
  monitors: Record<string, { ops: Record<string, OperationKey> }>;
}

type DriftConfig = ConfigOf<'schema-drift'>;

function isDrift(config: DriftConfig, code: string): boolean {
  const codes = config.codes.length > 0 ? config.codes : DEFAULT_DRIFT_CODES;
  const excluded = NOT_DRIFT_CODES.has(code);
  for (const prefix of codes) {
    if (code.startsWith(prefix) && (!excluded || prefix === code)) return true;
  }
  return false;
}

/** Drift findings of one sample grouped by operation. */
function driftByOperation(config: DriftConfig, sample: MonitorSample): Map<string, SampleFinding[]> | null {
  let byOp: Map<string, SampleFinding[]> | null = null;
  for (const f of sample.findings) {
    if (!isDrift(config, f.code)) continue;
    byOp ??= new Map();
    const op = f.operation ?? '(unknown operation)';
    const list = byOp.get(op);
    if (list) list.push(f);
    else byOp.set(op, [f]);
  }
  return byOp;
}

/** Records this sample's pointers; returns those not known before. */
function remember(key: OperationKey, findings: SampleFinding[], now: number): PointerSeen[] {
  const fresh: PointerSeen[] = [];
  for (const f of findings) {
    const pointer = f.pointer ?? '';
    const known = key.pointers.find((p) => p.pointer === pointer);
    if (known) {
      known.lastSeen = now;
      continue;
    }
    const seen = { pointer, code: f.code, firstSeen: now, lastSeen: now };
    key.pointers.push(seen);
    fresh.push(seen);
    if (key.pointers.length > MAX_POINTERS) {
      let oldest = 0;
      for (let i = 1; i < key.pointers.length; i++) {
        if (key.pointers[i]!.lastSeen < key.pointers[oldest]!.lastSeen) oldest = i;
      }
      key.pointers.splice(oldest, 1);
    }
  }
  return fresh;
}

function driftJudgement(
  key: OperationKey,
  findings: SampleFinding[],
  fresh: PointerSeen[],
  sinceOpen: PointerSeen[],
): Judgement {
  return {
    verdict: 'bad',
    firing: true,
    // A pointer drifting for the first time during an open problem is worth an update.
    digest: sinceOpen.map((p) => p.pointer).join('\n'),
    describe: () => {
      const first = findings[0]!;
      const pointer = first.pointer ?? '';
      const seen = key.pointers.find((p) => p.pointer === pointer);
      const where = sinceOpen.map((p) => p.pointer || '(no pointer)').join(', ');
      return {
        summary: `responses of ${key.operation} stopped matching the contract at ${where} (${first.code}: ${first.message})`,
        signature: `schema-drift:${key.operation}:${pointer}`,
        details: {
          operation: key.operation,
          pointer,
          code: first.code,
          firstSeen: seen?.firstSeen ?? null,
          newPointers: fresh.map((p) => p.pointer),
          pointers: key.pointers.map((p) => ({ pointer: p.pointer, code: p.code, firstSeen: p.firstSeen })),
        },
      };
    },
  };
}

const CLEAR: Judgement = {
  verdict: 'clear',
  firing: false,
  describe: () => ({ summary: '', signature: '', details: {} }),
};

/** Schema drift: contract findings per operation; one problem per operation, updated when a new pointer drifts. */
export const schemaDrift: DetectorKindImpl<'schema-drift', SchemaDriftState> = {
  kind: 'schema-drift',
  initial: () => ({ kind: 'schema-drift', monitors: {} }),
  isState: (state: unknown): state is SchemaDriftState =>
    typeof state === 'object' &&
    state !== null &&
    (state as { kind?: unknown }).kind === 'schema-drift' &&
    typeof (state as { monitors?: unknown }).monitors === 'object',
  evaluate(config, state, sample, now) {
    if (!watches(config, sample.monitorId)) return { state, signals: [] };
    const monitorKey = `${sample.monitorId}:${sample.environment}`;
    const drift = driftByOperation(config, sample);
    let monitor = state.monitors[monitorKey];
    if (!drift && !monitor) return { state, signals: [] };
    if (!monitor) {
      monitor = { ops: {} };
      state.monitors[monitorKey] = monitor;
    }
    const info = (operation: string, dedupKey: string) => ({
      dedupKey,
      monitorId: sample.monitorId,
      environment: sample.environment,
      title: `Schema drift in ${operation} on ${sample.monitorId} (${sample.environment})`,
    });
    const signals: Signal[] = [];
    // An errored or skipped sample says nothing about the contract: it neither drifts nor clears.
    const judged = !sample.error && sample.outcome !== 'errored' && sample.outcome !== 'skipped';
    if (drift) {
      for (const [operation, findings] of drift) {
        const dedupKey = dedupKeyOf(config.id, sample.monitorId, sample.environment, operation);
        const key = keyState(
          monitor.ops,
          dedupKey,
          () => ({ lc: newLifecycle(now), operation, pointers: [] }),
          MAX_OPERATIONS,
        );
        const fresh = remember(key, findings, now);
        const since = key.lc.open ? (key.lc.openedAt ?? now) : now;
        const sinceOpen = key.pointers.filter((p) => p.lastSeen >= since);
        const signal = step(
          key.lc,
          config,
          info(operation, dedupKey),
          driftJudgement(key, findings, fresh, sinceOpen),
          now,
        );
        if (signal) signals.push(signal);
      }
    }
    if (judged) {
      for (const dedupKey in monitor.ops) {
        const key = monitor.ops[dedupKey]!;
        if (!key.lc.open || drift?.has(key.operation)) continue;
        const signal = step(key.lc, config, info(key.operation, dedupKey), CLEAR, now);
        if (signal) signals.push(signal);
      }
    }
    return { state, signals };
  },
};
