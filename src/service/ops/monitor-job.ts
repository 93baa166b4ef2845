import { GangwayError } from '../../core/errors.js';
import { type DetectorStates, evaluateDetectors } from '../../core/ops/detectors/index.js';
import type { MonitorConfig, Signal } from '../../core/ops/types.js';
import type { JobHandler, JobQueue } from '../../jobs/index.js';
import type { Onboarding, Store } from '../../store/index.js';
import type { LoadedVersion, PlaybookVersions } from '../playbooks.js';
import { applySignal, type IncidentDeps } from './incident-engine.js';
import type { MonitorExecutor } from './monitor-exec.js';

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

/**
 * The job that executes one monitor of one onboarding: it schedules its own next execution first (so a
 * crash loses at most this sample, never the schedule), runs the check, feeds the sample to the
 * playbook's detectors, stores sample and detector state in one write, and turns signals into incidents.
 * A monitor whose onboarding is no longer monitored, or that its playbook version no longer declares,
 * stops by not re-scheduling itself.
 */
export function monitorHandler(deps: MonitorJobDeps): JobHandler {
  const random = deps.random ?? Math.random;
  return async ({ payload, signal }) => {
    const p = payload as Partial<MonitorPayload> | null;
    if (typeof p?.onboardingId !== 'string' || typeof p.monitorId !== 'string' || typeof p.due !== 'number')
      throw new GangwayError('job.payload', 'a monitor job names no onboardingId, monitorId and due');
    const startedAt = deps.now();
    const onboarding = await deps.store.onboardings.get(p.onboardingId);
    if (!onboarding || !(await deps.store.monitoring.enabled(onboarding.id))) return;
    const loaded = await deps.versions.get(onboarding.playbookVersionId);
    const monitor = loaded.playbook.ops.monitors.find((m) => m.id === p.monitorId);
    if (!monitor) return;
    try {
      await execute(deps, onboarding, loaded, monitor, signal, startedAt - p.due);
    } finally {
      // Scheduled after the execution, so a slow target never has two executions of one monitor at once; a
      // crash before this line leaves the job unfinished, and the queue runs it again after its lease.
      const next = nextDue(monitor, p.due, deps.now(), random);
      await deps.jobs.add(
        MONITOR_JOB,
        { onboardingId: onboarding.id, monitorId: monitor.id, due: next },
        { runAt: new Date(next), key: monitorJobKey(onboarding.id, monitor.id) },
      );
    }
  };
}

async function execute(
  deps: MonitorJobDeps,
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
  const stored = await deps.store.monitors.state(onboarding.id, monitor.id);
  const before = (stored?.state ?? {}) as DetectorStates;
  const { states, signals } = evaluateDetectors(detectors, before, sample, sample.at);
  const { conflicts } = await deps.store.monitors.record([
    { onboardingId: onboarding.id, sample, state: states, expectedVersion: stored?.version ?? 0 },
  ]);
  // Another execution of the same monitor wrote first (a re-run action racing the schedule): its signals stand.
  if (conflicts.length === 0) {
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
