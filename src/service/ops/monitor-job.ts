import { GangwayError } from '../../core/errors.js';
import { type DetectorStates, evaluateDetectors } from '../../core/ops/detectors/index.js';
import type { MonitorConfig, Signal } from '../../core/ops/types.js';
import type { JobHandler, JobQueue } from '../../jobs/index.js';
import type { MonitorRecord, Onboarding, Store } from '../../store/index.js';
import type { LoadedVersion, PlaybookVersions } from '../playbooks.js';
import { applySignal, type IncidentDeps } from './incident-engine.js';
import type { MonitorExecutor } from './monitor-exec.js';
import { MonitorRecorder } from './monitor-recorder.js';

export const MONITOR_JOB = 'monitor';

export interface MonitorPayload {
  onboardingId: string;
  monitorId: string;
  /** When this execution was due (ms): the scheduling lag is the start time minus this. */
  due: number;
}

export interface MonitorJobDeps extends IncidentDeps {
  store: Store;
  jobs: Pick<JobQueue, 'add' | 'remove'>;
  versions: PlaybookVersions;
  executor: MonitorExecutor;
  /** Random in [0, 1): injected so tests can pin the jitter. */
  random?: () => number;
  /** Called after every execution with its lag (ms), for metrics and the bench. */
  onExecuted?: (info: { onboardingId: string; monitorId: string; lagMs: number; outcome: string }) => void;
  /** Called when an execution could not be stored (its sample is lost; the monitor runs on). */
  onError?: (error: unknown) => void;
}

/** The job key of an onboarding's monitor: one pending execution per monitor. */
export function monitorJobKey(onboardingId: string, monitorId: string): string {
  return `monitor:${onboardingId}:${monitorId}`;
}

/** The time of the execution after one due at `due`, never in the past: a late worker skips, it does not catch up. */
export function nextDue(monitor: MonitorConfig, due: number, now: number, random: () => number): number {
  const base = Math.max(due + monitor.everyMs, now);
  return base + Math.floor(random() * monitor.jitterMs);
}

/** How long a worker trusts what it read about an onboarding (its row and its monitoring switch). */
export const ONBOARDING_TTL_MS = 1_000;
/** Detector states kept in memory at most (one per monitor this worker has run). */
const MAX_CACHED_STATES = 100_000;

interface CachedState {
  version: number;
  state: DetectorStates;
}

/**
 * The job that executes one monitor of one onboarding: it runs the check, feeds the sample to the playbook's
 * detectors, stores sample and detector state (group-committed with the executions finishing alongside), turns
 * signals into incidents, and asks the queue to run it again at the next due time under the same key. A
 * monitor whose onboarding is no longer monitored, or that its playbook version no longer declares, stops by
 * not repeating.
 *
 * Hot-path reads are cached per worker: the onboarding and its switch for ONBOARDING_TTL_MS (switching
 * monitoring off stops a monitor within that time, plus one execution), and each monitor's detector state
 * with its version — a version that moved on (a re-run, another worker) is a refused write, after which the
 * state is read again and the sample re-applied, so a stale cache never loses or duplicates a signal.
 */
export function monitorHandler(deps: MonitorJobDeps): JobHandler {
  const random = deps.random ?? Math.random;
  const recorder = new MonitorRecorder(deps.store);
  const states = new Map<string, CachedState>();
  const onboardings = new Map<string, { at: number; onboarding: Onboarding | undefined }>();
  const lookup = async (id: string): Promise<Onboarding | undefined> => {
    const now = deps.now();
    const hit = onboardings.get(id);
    if (hit && now - hit.at < ONBOARDING_TTL_MS) return hit.onboarding;
    const row = await deps.store.onboardings.get(id);
    const onboarding = row && (await deps.store.monitoring.enabled(row.id)) ? row : undefined;
    onboardings.set(id, { at: now, onboarding });
    return onboarding;
  };
  const cache = { states, recorder };
  return async ({ payload, signal }) => {
    const p = payload as Partial<MonitorPayload> | null;
    if (typeof p?.onboardingId !== 'string' || typeof p.monitorId !== 'string' || typeof p.due !== 'number')
      throw new GangwayError('job.payload', 'a monitor job names no onboardingId, monitorId and due');
    const startedAt = deps.now();
    const onboarding = await lookup(p.onboardingId);
    if (!onboarding) return;
    const loaded = await deps.versions.get(onboarding.playbookVersionId);
    const monitor = loaded.playbook.ops.monitors.find((m) => m.id === p.monitorId);
    if (!monitor) return;
    try {
      await execute(deps, cache, onboarding, loaded, monitor, signal, startedAt - p.due);
    } catch (error) {
      // This sample is lost (the store failed); the schedule is not: a failed job would be retried with backoff,
      // and after its last attempt the monitor would stop for good.
      states.delete(stateKey(onboarding.id, monitor.id));
      deps.onError?.(error);
    }
    const next = nextDue(monitor, p.due, deps.now(), random);
    if (states.size > MAX_CACHED_STATES) states.clear();
    return {
      repeat: {
        runAt: new Date(next),
        payload: { onboardingId: onboarding.id, monitorId: monitor.id, due: next },
      },
    };
  };
}

const stateKey = (onboardingId: string, monitorId: string) => `${onboardingId}\u0000${monitorId}`;

async function readState(
  deps: MonitorJobDeps,
  onboardingId: string,
  monitorId: string,
): Promise<CachedState> {
  const stored = await deps.store.monitors.state(onboardingId, monitorId);
  return { version: stored?.version ?? 0, state: (stored?.state ?? {}) as DetectorStates };
}

async function execute(
  deps: MonitorJobDeps,
  cache: { states: Map<string, CachedState>; recorder: MonitorRecorder },
  onboarding: Onboarding,
  loaded: LoadedVersion,
  monitor: MonitorConfig,
  signal: AbortSignal,
  lagMs: number,
): Promise<void> {
  const sample = await deps.executor.execute(onboarding, loaded, monitor, signal);
  const detectors = loaded.playbook.ops.detectors.filter(
    (d) => d.monitors.length === 0 || d.monitors.includes(monitor.id),
  );
  const key = stateKey(onboarding.id, monitor.id);
  let current = cache.states.get(key) ?? (await readState(deps, onboarding.id, monitor.id));
  let signals: Signal[] = [];
  // The sample is stored once; a refused state write is retried on the state read again.
  let record: MonitorRecord = { onboardingId: onboarding.id, sample };
  for (let attempt = 0; ; attempt++) {
    // evaluateDetectors updates the states in place: work on a copy, the cache keeps the written version.
    const before = structuredClone(current.state);
    const evaluated = evaluateDetectors(detectors, before, sample, sample.at);
    const conflict = await cache.recorder.record({
      ...record,
      state: evaluated.states,
      expectedVersion: current.version,
    });
    if (!conflict) {
      cache.states.set(key, { version: current.version + 1, state: evaluated.states });
      signals = evaluated.signals;
      break;
    }
    cache.states.delete(key);
    // Two refusals in a row: another writer is running this monitor right now; its signals stand.
    if (attempt === 1) break;
    current = await readState(deps, onboarding.id, monitor.id);
    record = { ...record, sampleStored: true };
  }
  if (signals.length > 0) {
    const scope = {
      onboardingId: onboarding.id,
      partnerId: onboarding.partnerId,
      playbookVersionId: onboarding.playbookVersionId,
      ops: loaded.playbook.ops,
    };
    for (const s of signals) await applySignal(deps, scope, scoped(s, onboarding.id));
  }
  deps.onExecuted?.({ onboardingId: onboarding.id, monitorId: monitor.id, lagMs, outcome: sample.outcome });
}

/** Detectors key signals by detector, monitor and environment; incidents are per onboarding too. */
function scoped(signal: Signal, onboardingId: string): Signal {
  return { ...signal, dedupKey: `${onboardingId}:${signal.dedupKey}` };
}

/** Starts (or restarts) every monitor of an onboarding's playbook version now; returns their ids. */
export async function scheduleMonitors(
  deps: Pick<MonitorJobDeps, 'jobs' | 'versions' | 'now'>,
  onboarding: { id: string; playbookVersionId: string },
): Promise<string[]> {
  const { playbook } = await deps.versions.get(onboarding.playbookVersionId);
  const now = deps.now();
  for (const monitor of playbook.ops.monitors) {
    await deps.jobs.add(
      MONITOR_JOB,
      { onboardingId: onboarding.id, monitorId: monitor.id, due: now },
      { runAt: new Date(now), key: monitorJobKey(onboarding.id, monitor.id), keyMode: 'preserve' },
    );
  }
  return playbook.ops.monitors.map((m) => m.id);
}

/** Stops an onboarding's pending monitor executions (a running one does not re-schedule: monitoring is off). */
export async function unscheduleMonitors(
  deps: Pick<MonitorJobDeps, 'jobs' | 'versions'>,
  onboarding: { id: string; playbookVersionId: string },
): Promise<void> {
  const { playbook } = await deps.versions.get(onboarding.playbookVersionId);
  for (const monitor of playbook.ops.monitors)
    await deps.jobs.remove(monitorJobKey(onboarding.id, monitor.id));
}
