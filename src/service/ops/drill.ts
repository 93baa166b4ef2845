import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, InputError } from '../../core/errors.js';
import type { ResolvedTls } from '../../http/types.js';
import { type ReferenceResolver, resolveValue, scanReferences } from '../../playbook/references.js';
import type { Playbook } from '../../playbook/schema.js';
import { type FaultProxy, startProxy } from '../../proxy/index.js';
import { environmentTls } from '../../runner/prepare.js';

import { openRuntime, type Runtime, startWorking } from '../runtime.js';
import { type CapturedDelivery, type CaptureReceiver, startCapture } from './drill-capture.js';
import { firstAt, type IncidentView, viewIncident, waitFor } from './drill-observe.js';
import type { DrillPlan } from './drill-plan.js';
import { drillPlaybookText } from './drill-playbook.js';
import { setSwitchFaults } from './drill-switch.js';
import { applyCommand, type IncidentDeps } from './incident-engine.js';
import { scheduleMonitors } from './monitor-job.js';

export interface DrillOptions {
  playbook: Playbook;
  /** The playbook text as the service stores it (templates merged) and its spec's text. */
  playbookText: string;
  specText: string | null;
  plan: DrillPlan;
  /** Resolves the playbook's ${secret.x} / ${env.X} (the CLI's environment and secrets file). */
  resolver: ReferenceResolver;
  /** real: the playbook's notifiers; capture: a local receiver records every delivery. */
  notify: 'real' | 'capture';
  /** Where the embedded store lives (default: a temporary directory, removed afterwards). */
  dataDir?: string;
  version: string;
  /** Progress lines for people (the CLI writes them to stderr). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Everything a drill measured; drill-score.ts turns it into scored expectations. */
export interface DrillRun {
  plan: DrillPlan;
  notify: 'real' | 'capture';
  startedAt: number;
  finishedAt: number;
  /** An incident was open before the fault: the environment was not healthy to begin with. */
  openBeforeFault?: string;
  faultAt: number;
  clearedAt?: number;
  acknowledgedAt?: number;
  recoveredAt?: number;
  view?: IncidentView;
  captured?: CapturedDelivery[];
  /** Why the drill stopped early (fault switch unreachable, ...), scored as a failure. */
  problem?: string;
  /** The fault could not be cleared (the switch refused): the environment may still be faulted. */
  clearError?: string;
}

const DRILL = 'drill';

/**
 * Runs a drill in this process: an embedded store and queue, the real monitors, detectors, incident
 * engine and notifiers on a drill copy of the playbook; injects the fault, watches the incident open,
 * level 1 (and with --escalate, level 2) get notified, acknowledges, clears the fault and watches it
 * recover. Always clears the fault and closes what it started, even when interrupted.
 */
export async function runDrill(options: DrillOptions): Promise<DrillRun> {
  const { plan, playbook, resolver } = options;
  const log = options.log ?? (() => undefined);
  const env = playbook.environments[plan.environment];
  if (!env) throw new InputError('drill.unknown-environment', `no environment ${plan.environment}`);
  const baseUrl = resolveValue(env.baseUrl, resolver).value;
  // The fault proxy and the fault switch talk to the environment as its checks do: its CA, its client certificate.
  const tls = await environmentTls(playbook, plan.environment, resolver);
  const cleanup: (() => Promise<unknown>)[] = [];
  const started = Date.now();
  try {
    let proxy: FaultProxy | undefined;
    if (plan.fault.via === 'proxy') {
      proxy = await startProxy({ upstream: baseUrl, ...(tls && { upstreamTls: tls }) });
      const p = proxy;
      cleanup.push(() => p.close());
      log(`fault proxy ${proxy.url} in front of ${plan.environment}`);
    }
    let capture: CaptureReceiver | undefined;
    if (options.notify === 'capture') {
      capture = await startCapture();
      const c = capture;
      cleanup.push(() => c.close());
    }
    const tlsSecrets = drillTlsSecrets(tls);
    const text = drillPlaybookText(options.playbookText, playbook, plan, {
      ...(proxy && { proxyUrl: proxy.url }),
      ...(capture && { captureUrl: capture.url }),
      tlsSecrets: Object.fromEntries(Object.entries(tlsSecrets).map(([field, s]) => [field, s.name])),
    });
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gangway-drill-')));
    if (!options.dataDir) cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const runtime = await openRuntime({ dataDir, config: { version: options.version }, env: {} });
    cleanup.push(() => runtime.close());
    await startWorking(runtime, { allowPrivateTargets: true, workerId: `drill-${process.pid}` });
    const onboardingId = await setUp(runtime, text, options, Object.values(tlsSecrets));
    const deps: IncidentDeps = {
      store: runtime.store,
      jobs: runtime.jobs,
      versions: runtime.ctx.versions,
      now: () => Date.now(),
    };
    await runtime.store.monitoring.set(onboardingId, true, { actor: DRILL });
    const onboarding = { id: onboardingId, playbookVersionId: await versionOf(runtime, onboardingId) };
    await scheduleMonitors(deps, onboarding);

    const run: DrillRun = {
      plan,
      notify: options.notify,
      startedAt: started,
      finishedAt: started,
      faultAt: started,
    };
    // Healthy first: the monitors' first samples (and the baseline a baseline-only detector needs).
    const d = plan.detector;
    const warmup = d.kind === 'latency-spike' && d.thresholdMs === null ? Math.max(2, d.baselineMin) : 2;
    log(`warming up: ${warmup} sample(s) per monitor`);
    await waitFor(
      async () => ((await samplesSoFar(runtime, onboardingId, plan)) >= warmup ? true : undefined),
      Date.now() + warmup * (plan.targets.detectMs + 5_000),
      options.signal,
    );
    const before = await viewIncident(runtime.store, onboardingId);
    if (before) run.openBeforeFault = `${before.incident.title} (${before.incident.summary})`;

    const setFaults = async (on: boolean) => {
      if (plan.fault.via === 'proxy') {
        if (on) proxy?.addFaults(plan.fault.faults);
        else proxy?.clearFaults();
      } else {
        await setSwitchFaults(plan.fault.switch, baseUrl, on ? [plan.fault.name] : [], resolver, {
          ...(tls && { tls }),
          version: options.version,
        });
      }
    };
    run.faultAt = Date.now();
    log(`injecting ${plan.fault.label}`);
    try {
      await setFaults(true);
    } catch (error) {
      run.problem = errorMessage(error);
      run.finishedAt = Date.now();
      return run;
    }
    // From here on the fault is cleared whatever happens.
    let cleared = false;
    const clear = async () => {
      if (cleared) return;
      cleared = true;
      run.clearedAt = Date.now();
      log('clearing the fault');
      try {
        await setFaults(false);
      } catch (error) {
        run.clearError = errorMessage(error);
        log(`the fault could not be cleared: ${run.clearError}`);
      }
    };
    cleanup.push(() => clear());
    await observe(run, runtime, deps, onboardingId, options, clear, capture);
    run.finishedAt = Date.now();
    if (capture) run.captured = [...capture.deliveries];
    return run;
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  }
}

async function observe(
  run: DrillRun,
  runtime: Runtime,
  deps: IncidentDeps,
  onboardingId: string,
  options: DrillOptions,
  clear: () => Promise<void>,
  capture: CaptureReceiver | undefined,
): Promise<void> {
  const { plan, signal } = options;
  const log = options.log ?? (() => undefined);
  const { store } = runtime;
  const view = () => viewIncident(store, onboardingId);
  // Waits are twice the target (plus slack), so a late event is still measured and reported as late.
  const opened = await waitFor(view, run.faultAt + 2 * plan.targets.detectMs + 5_000, signal);
  if (!opened) {
    log('no incident opened');
    await clear();
    return;
  }
  const triggeredAt = Date.parse(opened.incident.openedAt);
  log(`incident ${opened.incident.id} opened: ${opened.incident.title}`);
  const level1 = plan.policy?.levels[0]?.notify ?? [];
  await waitFor(
    async () => {
      const v = await view();
      const done = new Set(v?.notifications.filter((n) => n.event === 'triggered').map((n) => n.notifier));
      return level1.every((n) => done.has(n)) ? v : undefined;
    },
    triggeredAt + plan.targets.notifyMs + 2_000,
    signal,
  );
  if (plan.targets.escalateMs !== undefined) {
    const level2 = plan.policy?.levels[1]?.notify ?? [];
    const due = triggeredAt + plan.targets.escalateMs;
    log(`letting it escalate: level 2 due in ${Math.max(0, due - Date.now())} ms`);
    await waitFor(
      async () => {
        const v = await view();
        const got = v?.notifications.filter((n) => n.event === 'escalated' && n.level === 2);
        return level2.every((name) => got?.some((n) => n.notifier === name)) ? v : undefined;
      },
      due + plan.targets.toleranceMs + 2_000,
      signal,
    );
    // A second delivery of level 2 would come right after the first: give it a moment to show.
    await new Promise((r) => setTimeout(r, 500));
  }
  const current = await view();
  if (current && current.incident.status === 'triggered') {
    await applyCommand(deps, current.incident.id, { type: 'acknowledge', by: DRILL }, DRILL);
    run.acknowledgedAt = Date.now();
    log('acknowledged (escalation stops)');
  }
  await clear();
  const clearedAt = run.clearedAt ?? Date.now();
  const recovered = await waitFor(
    async () => {
      const v = await view();
      const at = v && firstAt(v.timeline, 'recovered');
      const resolved = !plan.detector.autoResolve || v?.incident.status === 'resolved';
      return at !== undefined && resolved ? at : undefined;
    },
    clearedAt + 2 * plan.targets.recoverMs + 5_000,
    signal,
  );
  if (recovered !== undefined) {
    run.recoveredAt = recovered;
    log('recovered');
  }
  const last = await view();
  if (last && last.incident.status !== 'resolved') {
    await applyCommand(
      deps,
      last.incident.id,
      { type: 'resolve', by: DRILL, message: 'drill over' },
      DRILL,
    ).catch(() => undefined);
  }
  // Let the last deliveries (resolved) go out before the queue stops.
  await waitFor(
    async () => {
      const v = await view();
      if (!v) return true;
      const pending = (await store.deliveries.list(v.incident.id)).some((d) => d.status === 'pending');
      return pending ? undefined : true;
    },
    Date.now() + 5_000,
    signal,
  );
  const final = await view();
  if (final) run.view = final;
  if (capture) run.captured = [...capture.deliveries];
}

/**
 * The drill environment's TLS material (read from files by the CLI, or inline) as secrets of the drill:
 * the service takes PEM text only, and keeps it encrypted rather than in the stored playbook text.
 */
function drillTlsSecrets(tls: ResolvedTls | undefined): Record<string, { name: string; value: string }> {
  const out: Record<string, { name: string; value: string }> = {};
  for (const field of ['ca', 'cert', 'key', 'passphrase'] as const) {
    const value = tls?.[field];
    if (value !== undefined) out[field] = { name: `gangway_drill_tls_${field}`, value };
  }
  return out;
}

/** Stores the drill playbook version, a partner holding the resolved secrets, and an onboarding. */
async function setUp(
  runtime: Runtime,
  text: string,
  options: DrillOptions,
  extra: readonly { name: string; value: string }[],
): Promise<string> {
  const { store } = runtime;
  const { version } = await store.playbooks.put({
    name: options.playbook.playbook,
    playbookText: text,
    specText: options.specText,
    actor: DRILL,
  });
  try {
    await runtime.ctx.versions.get(version.id);
  } catch (error) {
    throw new InputError(
      'drill.playbook',
      `the drill runs the playbook as the service does, which refuses it: ${errorMessage(error)}`,
    );
  }
  const partner = await store.partners.create({ id: DRILL, name: 'Drill', actor: DRILL });
  // The service resolves ${secret.x} and ${env.X} from the partner's secrets: copy in what the CLI resolves.
  const names = new Set(scanReferences(text).references.map((r) => `${r.kind}\0${r.name}`));
  for (const key of names) {
    const [kind, name = ''] = key.split('\0');
    const value = kind === 'secret' ? options.resolver.secret(name) : options.resolver.env(name);
    if (value !== undefined) await store.secrets.put(partner.id, name, value, { actor: DRILL });
  }
  for (const { name, value } of extra) await store.secrets.put(partner.id, name, value, { actor: DRILL });
  const onboarding = await store.onboardings.create({
    partnerId: partner.id,
    playbookVersionId: version.id,
    stage: options.playbook.stages[0]?.id ?? DRILL,
    actor: DRILL,
  });
  return onboarding.id;
}

async function versionOf(runtime: Runtime, onboardingId: string): Promise<string> {
  const onboarding = await runtime.store.onboardings.get(onboardingId);
  if (!onboarding) throw new Error(`onboarding ${onboardingId} vanished`);
  return onboarding.playbookVersionId;
}

/** The fewest samples any watched monitor has stored so far. */
async function samplesSoFar(runtime: Runtime, onboardingId: string, plan: DrillPlan): Promise<number> {
  let fewest = Number.POSITIVE_INFINITY;
  for (const m of plan.monitors) {
    const samples = await runtime.store.monitors.samples({ onboardingId, monitorId: m.id, limit: 100 });
    fewest = Math.min(fewest, samples.length);
  }
  return fewest;
}
