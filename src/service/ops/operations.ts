import type { LookupFunction } from 'node:net';
import type { JobHandler, JobQueue } from '../../jobs/index.js';
import type { Store } from '../../store/index.js';
import type { ServiceContext } from '../types.js';
import { actionHandler } from './action-job.js';
import { ACTION_JOB } from './actions-queue.js';
import {
  INCIDENT_TIMER_JOB,
  type IncidentDeps,
  incidentTimerHandler,
  NOTIFY_JOB,
  reconcileTimers,
} from './incident-engine.js';
import { incidentLinks } from './links.js';
import { MonitorExecutor } from './monitor-exec.js';
import { MONITOR_JOB, type MonitorJobDeps, monitorHandler, scheduleMonitors } from './monitor-job.js';
import { NotifyClients } from './notify-clients.js';
import { notifyHandler } from './notify-job.js';

export interface OperationsOptions {
  /** The outbound address guard for monitors' and notifiers' hosts. */
  outbound?: (hosts: string[]) => { lookup: LookupFunction; checkUrl(url: string): Promise<void> };
  /** Called after every monitor execution (metrics, benches). */
  onExecuted?: MonitorJobDeps['onExecuted'];
}

/**
 * The operations half of a worker: monitor executions, incident timers and notification deliveries as
 * job handlers, and what must happen once the queue runs (re-queue every pending incident timer and
 * every monitored onboarding's monitors, so a restart loses nothing).
 */
export function startOperations(
  runtime: { store: Store; jobs: JobQueue; ctx: ServiceContext },
  options: OperationsOptions = {},
) {
  const { store, jobs, ctx } = runtime;
  const now = () => ctx.now().getTime();
  const incidents: IncidentDeps = { store, jobs, versions: ctx.versions, now };
  const executor = new MonitorExecutor({
    store,
    version: ctx.config.version,
    now,
    ...(options.outbound && { outbound: options.outbound }),
  });
  const links = ctx.config.publicUrl
    ? incidentLinks(store, ctx.config.publicUrl, ctx.config.linkTtlMs, now)
    : undefined;
  const clients = new NotifyClients({ store, now, ...(options.outbound && { outbound: options.outbound }) });
  const handlers: Record<string, JobHandler> = {
    [MONITOR_JOB]: monitorHandler({
      ...incidents,
      executor,
      ...(options.onExecuted && { onExecuted: options.onExecuted }),
    }),
    [INCIDENT_TIMER_JOB]: incidentTimerHandler(incidents),
    [NOTIFY_JOB]: notifyHandler({ ...incidents, ...(links && { links }), clients }),
    [ACTION_JOB]: actionHandler({ ...incidents, clients }),
  };
  return {
    handlers,
    async afterStart(): Promise<void> {
      await reconcileTimers(incidents);
      for (const id of await store.monitoring.enabledIds()) {
        const onboarding = await store.onboardings.get(id);
        if (onboarding) await scheduleMonitors(incidents, onboarding).catch(() => undefined);
      }
    },
    close: async () => {
      await executor.close();
      await clients.close();
    },
  };
}
