import { parseDuration } from '../../core/duration.js';
import { InputError } from '../../core/errors.js';
import type { DetectorConfig, EscalationPolicy, MonitorConfig } from '../../core/ops/types.js';
import { type DrillFault, type DrillsConfig, normaliseDrills } from '../../playbook/drills-schema.js';
import type { Playbook } from '../../playbook/schema.js';
import { type FaultDefinition, validateFaults } from '../../proxy/index.js';

/** How a drill injects its fault: proxy faults (validated), or a name sent to the environment's switch. */
export type PlannedFault =
  | { via: 'proxy'; faults: FaultDefinition[]; label: string }
  | {
      via: 'switch';
      name: string;
      label: string;
      switch: { url: string; headers: Record<string, string> };
    };

/** Every target of a drill, in ms, already divided by the speed. */
export interface DrillTargets {
  /** Fault injected → incident opened: the detector's window plus one monitor interval (+ the injected delay). */
  detectMs: number;
  /** Trigger → level 1's first delivery (not scaled: it measures delivery, not a policy). */
  notifyMs: number;
  /** Trigger → level 2, when escalating (the policy's `after`), met within ± toleranceMs. */
  escalateMs?: number;
  toleranceMs: number;
  /** Fault cleared → recovered (and resolved, when the detector auto-resolves). */
  recoverMs: number;
}

/** A resolved drill: what is injected, which detector must catch it, on which monitors, and the targets. */
export interface DrillPlan {
  scenario: string;
  /** declared: from the playbook's drills.scenarios; built-in: from the detector's kind. */
  source: 'declared' | 'built-in';
  description: string;
  environment: string;
  speed: number;
  detector: DetectorConfig;
  monitors: MonitorConfig[];
  policy: EscalationPolicy | null;
  fault: PlannedFault;
  targets: DrillTargets;
  escalate: boolean;
}

export interface PlanOptions {
  scenario: string;
  environment: string;
  speed: number;
  escalate: boolean;
}

/** The switch fault names built-in scenarios send (the demo sandbox's names). */
const SWITCH_FAULTS: Partial<Record<DetectorConfig['kind'], string>> = {
  'schema-drift': 'schema-drift',
  'certificate-expiring': 'cert-expiring',
  'credential-failing': 'auth-broken',
};

/** Whether an environment counts as production for drills: its `production: true` flag. */
export function isProduction(playbook: Playbook, environment: string): boolean {
  return playbook.environments[environment]?.production === true;
}

/**
 * Resolves `--scenario` against the playbook: a declared scenario by name, else a built-in one by
 * detector id or kind. Refuses production environments and anything the drill could not run.
 */
export function planDrill(playbook: Playbook, options: PlanOptions): DrillPlan {
  const { environment, speed } = options;
  const env = playbook.environments[environment];
  if (!env) {
    const known = Object.keys(playbook.environments).join(', ') || 'none';
    throw new InputError(
      'drill.unknown-environment',
      `environment "${environment}" is not declared (environments: ${known})`,
    );
  }
  if (isProduction(playbook, environment)) {
    throw new InputError(
      'drill.production',
      `environment "${environment}" is marked production (production: true): drills inject faults and refuse it; rehearse on a sandbox or staging environment`,
    );
  }
  if (!(speed >= 1)) throw new InputError('drill.bad-speed', '--speed must be a number ≥ 1');
  const drills = normaliseDrills(playbook.drills);
  const declared = drills.scenarios.find((s) => s.name === options.scenario);
  const detector = declared
    ? findDetector(playbook, declared.detector, `scenario ${declared.name}`)
    : builtInDetector(playbook, options.scenario, drills);
  const monitors = playbook.ops.monitors.filter(
    (m) => detector.monitors.length === 0 || detector.monitors.includes(m.id),
  );
  if (monitors.length === 0) {
    throw new InputError(
      'drill.no-monitor',
      `detector ${detector.id} watches no monitor: declare a monitor under monitors: for it to judge`,
    );
  }
  const fault = plannedFault(
    declared?.fault ?? builtInFault(detector, options.scenario),
    drills,
    environment,
    options.scenario,
  );
  const policy = playbook.ops.escalation.find((p) => p.severity === detector.severity) ?? null;
  if (!policy || policy.levels.length === 0 || policy.levels[0]?.notify.length === 0) {
    throw new InputError(
      'drill.no-escalation',
      `severity ${detector.severity} (detector ${detector.id}) has no escalation policy: a drill expects level 1 to be notified; declare escalation.${detector.severity}`,
    );
  }
  const level2 = policy.levels[1];
  if (options.escalate && !level2) {
    throw new InputError(
      'drill.no-level-2',
      `--escalate: the escalation policy of ${detector.severity} has a single level; declare a second one with after:`,
    );
  }
  const interval = Math.max(
    ...monitors.map((m) => scaledEvery(m.everyMs, speed) + scaled(m.jitterMs, speed)),
  );
  const injectedMs = fault.via === 'proxy' ? Math.max(0, ...fault.faults.map(delayOf)) : 0;
  return {
    scenario: options.scenario,
    source: declared ? 'declared' : 'built-in',
    description:
      declared?.description ?? `${detector.kind} on ${environment}: ${fault.label} → detector ${detector.id}`,
    environment,
    speed,
    detector,
    monitors,
    policy,
    fault,
    escalate: options.escalate,
    targets: {
      detectMs: scaled(detector.windowMs, speed) + interval + injectedMs,
      notifyMs: declared?.notifyWithinMs ?? drills.notifyWithinMs,
      ...(options.escalate && level2 && { escalateMs: scaled(level2.afterMs, speed) }),
      toleranceMs: 1_000,
      recoverMs: (detector.recoverAfter + 1) * interval + injectedMs + 1_000,
    },
  };
}

/** A duration divided by the drill's speed. */
export function scaled(ms: number, speed: number): number {
  return Math.round(ms / speed);
}

/** A monitor interval divided by the speed, never under the 100 ms a monitor may run at. */
export function scaledEvery(everyMs: number, speed: number): number {
  return Math.max(100, scaled(everyMs, speed));
}

function findDetector(playbook: Playbook, id: string, where: string): DetectorConfig {
  const detector = playbook.ops.detectors.find((d) => d.id === id);
  if (!detector) {
    const known = playbook.ops.detectors.map((d) => d.id).join(', ') || 'none';
    throw new InputError('drill.unknown-detector', `${where}: no detector "${id}" (detectors: ${known})`);
  }
  return detector;
}

function builtInDetector(playbook: Playbook, scenario: string, drills: DrillsConfig): DetectorConfig {
  const detector =
    playbook.ops.detectors.find((d) => d.id === scenario) ??
    playbook.ops.detectors.find((d) => d.kind === scenario);
  if (detector) return detector;
  const declared = drills.scenarios.map((s) => s.name);
  const detectors = playbook.ops.detectors.map((d) => (d.id === d.kind ? d.id : `${d.id} (${d.kind})`));
  throw new InputError(
    'drill.unknown-scenario',
    `no scenario "${scenario}": name one declared under drills.scenarios (${declared.join(', ') || 'none'}) or a detector id or kind of the playbook (${detectors.join(', ') || 'none'})`,
  );
}

function builtInFault(detector: DetectorConfig, scenario: string): DrillFault {
  switch (detector.kind) {
    case 'latency-spike': {
      // Comfortably over the budget, or well over a local baseline when the detector judges by baseline only.
      const ms = detector.thresholdMs !== null ? Math.round(detector.thresholdMs * 1.5 + 200) : 1_500;
      return { via: 'proxy', fault: { type: 'latency', latency: `${ms}ms` } };
    }
    case 'error-rate-spike':
      return { via: 'proxy', fault: { type: 'status', status: 500 } };
    case 'availability':
      return { via: 'proxy', fault: { type: 'reset' } };
    case 'custom':
      throw new InputError(
        'drill.no-built-in',
        `detector ${detector.id} is custom: there is no built-in scenario for it; declare one under drills.scenarios (detector: ${detector.id}, fault: ...)`,
      );
    default:
      return { via: 'switch', name: SWITCH_FAULTS[detector.kind] ?? scenario };
  }
}

function plannedFault(
  fault: DrillFault,
  drills: DrillsConfig,
  environment: string,
  scenario: string,
): PlannedFault {
  if (fault.via === 'proxy') {
    const parsed = validateFaults(fault.fault);
    if (!parsed.ok) {
      const issues = parsed.issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ');
      throw new InputError('drill.bad-fault', `scenario ${scenario}: the proxy fault is invalid: ${issues}`);
    }
    return { via: 'proxy', faults: parsed.faults, label: `proxy fault ${describeFault(fault.fault)}` };
  }
  const faultSwitch = drills.faultSwitches[environment];
  if (!faultSwitch) {
    throw new InputError(
      'drill.no-fault-switch',
      `scenario ${scenario} needs environment "${environment}"'s own fault switch (fault "${fault.name}"): declare drills.faultSwitches.${environment}: { url: <the URL that takes {"faults": ["${fault.name}"]}> } (the demo sandbox: /__admin/faults)`,
    );
  }
  return { via: 'switch', name: fault.name, label: `fault switch "${fault.name}"`, switch: faultSwitch };
}

function describeFault(fault: Record<string, unknown>): string {
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  // "latency 1700ms", "status 500": the type's own parameter reads as its value.
  return Object.entries(fault)
    .map(([k, v]) => (k === 'type' ? show(v) : k === fault.type ? show(v) : `${k} ${show(v)}`))
    .join(' ');
}

/** The delay a proxy fault adds to each exchange (latency, slow headers), so targets allow for it. */
function delayOf(fault: FaultDefinition): number {
  const ms = (v: number | string | undefined) => (v === undefined ? 0 : parseDuration(v));
  if (fault.type === 'latency') return ms(fault.latency) + ms(fault.jitter);
  if (fault.type === 'slow-headers') return ms(fault.delay);
  return 0;
}
