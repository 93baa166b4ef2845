import type { OpsMetrics } from '../core/ops/ops-metrics.js';
import type { OnboardingMetrics } from '../store/index.js';

type Labels = Record<string, string>;

/** Renders onboarding metrics in the Prometheus text exposition format (version 0.0.4). */
export function prometheusText(m: OnboardingMetrics, extra: { up: number; ops?: OpsMetrics }): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'summary' | 'counter', help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const sample = (name: string, labels: Labels, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    out.push(`${name}${labelText(labels)} ${formatNumber(value)}`);
  };

  family('gangway_up', 'gauge', 'The service answers and reaches its database.');
  sample('gangway_up', {}, extra.up);

  const ttfs = m.timeToFirstSuccess;
  family(
    'gangway_time_to_first_success_seconds',
    'summary',
    'Onboarding start to the first passing sandbox run.',
  );
  sample('gangway_time_to_first_success_seconds', { quantile: '0.5' }, seconds(ttfs.p50Ms));
  sample('gangway_time_to_first_success_seconds', { quantile: '0.9' }, seconds(ttfs.p90Ms));
  sample('gangway_time_to_first_success_seconds_count', {}, ttfs.count);
  family(
    'gangway_onboardings_without_first_success',
    'gauge',
    'Onboardings with no passing sandbox run yet.',
  );
  sample('gangway_onboardings_without_first_success', {}, ttfs.pending);

  family('gangway_stage_duration_seconds', 'summary', 'Time from entering a stage to leaving it.');
  for (const s of m.stageDurations) {
    sample('gangway_stage_duration_seconds', { stage: s.stage, quantile: '0.5' }, seconds(s.p50Ms));
    sample('gangway_stage_duration_seconds', { stage: s.stage, quantile: '0.9' }, seconds(s.p90Ms));
    sample('gangway_stage_duration_seconds_count', { stage: s.stage }, s.count);
  }

  family('gangway_stage_runs_finished', 'gauge', 'Runs of a stage that reached a verdict.');
  for (const p of m.passRates) sample('gangway_stage_runs_finished', { stage: p.stage }, p.finished);
  family('gangway_stage_runs_passed', 'gauge', 'Runs of a stage that passed.');
  for (const p of m.passRates) sample('gangway_stage_runs_passed', { stage: p.stage }, p.passed);
  family('gangway_stage_pass_ratio', 'gauge', 'Passed / finished runs of a stage.');
  for (const p of m.passRates) sample('gangway_stage_pass_ratio', { stage: p.stage }, p.rate ?? undefined);

  family('gangway_check_pass_ratio', 'gauge', 'Passed / all stored results of a check.');
  for (const c of m.checkPassRates)
    sample('gangway_check_pass_ratio', { check: c.checkId }, c.rate ?? undefined);

  family('gangway_waivers_open', 'gauge', 'Waivers neither expired nor revoked.');
  sample('gangway_waivers_open', {}, m.waivers.open);
  family('gangway_waivers_expiring_7d', 'gauge', 'Open waivers that expire within 7 days.');
  sample('gangway_waivers_expiring_7d', {}, m.waivers.expiringWithin7Days);

  const ops = extra.ops;
  if (ops) {
    family('gangway_incidents', 'gauge', 'Incidents (the newest 10 000 at most) by severity.');
    for (const [severity, n] of Object.entries(ops.bySeverity)) sample('gangway_incidents', { severity }, n);
    family('gangway_incidents_by_detector', 'gauge', 'Incidents by detector kind.');
    for (const [kind, n] of Object.entries(ops.byDetectorKind))
      sample('gangway_incidents_by_detector', { kind }, n);
    for (const [name, stats, help] of [
      ['gangway_mtta_seconds', ops.mtta, 'Trigger to acknowledgement.'],
      ['gangway_mttr_seconds', ops.mttr, 'Trigger to resolution.'],
    ] as const) {
      family(name, 'summary', help);
      sample(name, { quantile: '0.5' }, seconds(stats.p50 ?? undefined));
      sample(name, { quantile: '0.9' }, seconds(stats.p90 ?? undefined));
      sample(`${name}_count`, {}, stats.count);
    }
    family(
      'gangway_clock_breaches',
      'gauge',
      'Incident clocks (acknowledge, first resolution attempt, ...) breached.',
    );
    for (const [clock, n] of Object.entries(ops.breachesByClock))
      sample('gangway_clock_breaches', { clock }, n);
    family(
      'gangway_defect_escape_ratio',
      'gauge',
      'Production incidents whose detector class had a passing onboarding check on the same playbook version.',
    );
    sample('gangway_defect_escape_ratio', {}, ops.defectEscape.rate ?? undefined);
  }
  return `${out.join('\n')}\n`;
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1e6) / 1e6);
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escaped = entries.map(
    ([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`,
  );
  return `{${escaped.join(',')}}`;
}
