import { percentile } from '../stats.js';
import type { IncidentRecord } from './incident-record.js';
import type { ClockName, DetectorKind } from './types.js';
import { CLOCKS } from './types.js';

/**
 * Operations metrics over plain incident records: MTTA, MTTR, counts by severity and detector, clock
 * breaches, and the defect escape rate. The caller picks the incidents (a time range, a partner);
 * everything here is arithmetic.
 */

/**
 * Which onboarding checks would have caught what a detector finds in production. `contract-latency`
 * stands for a contract check that passed with latency thresholds (the caller reports it so).
 */
export const ESCAPE_CHECKS: Readonly<Record<DetectorKind, readonly string[]>> = {
  'schema-drift': ['contract'],
  'latency-spike': ['health', 'load', 'contract-latency'],
  'error-rate-spike': ['health', 'load', 'flow'],
  availability: ['health'],
  'certificate-expiring': ['tls'],
  'credential-failing': ['credentials'],
  custom: [],
};

/** Check kinds that passed during onboarding on one playbook version (for one partner, or any when null). */
export interface PassedChecks {
  playbook: string;
  version: string;
  partner: string | null;
  kinds: string[];
}

/** A distribution of durations in ms; null figures when there is nothing to measure. */
export interface DurationStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
}

export interface DefectEscape {
  productionIncidents: number;
  escaped: number;
  /** escaped / productionIncidents; null without production incidents. */
  rate: number | null;
  escapedIds: string[];
}

export interface OpsMetrics {
  incidents: number;
  /** Trigger to acknowledgement, over acknowledged incidents. */
  mtta: DurationStats;
  /** Trigger to resolution, over resolved incidents. */
  mttr: DurationStats;
  bySeverity: Record<string, number>;
  /** By detector id (its kind when the id is unknown). */
  byDetector: Record<string, number>;
  byDetectorKind: Record<string, number>;
  breachesByClock: Record<ClockName, number>;
  defectEscape: DefectEscape;
}

/** Mean and nearest-rank p50/p90 of durations, rounded to the millisecond. */
export function durationStats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0, mean: null, p50: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    count: sorted.length,
    mean: Math.round(mean),
    p50: Math.round(percentile(sorted, 50)),
    p90: Math.round(percentile(sorted, 90)),
  };
}

/**
 * Whether a production incident escaped onboarding: a check of a kind that would have caught its
 * detector class passed for the same playbook version (and for one of its partners, or for any).
 */
export function escapedOnboarding(incident: IncidentRecord, passed: readonly PassedChecks[]): boolean {
  if (!incident.production || !incident.detectorKind) return false;
  const catching = ESCAPE_CHECKS[incident.detectorKind];
  return passed.some(
    (p) =>
      p.playbook === incident.playbook &&
      p.version === incident.playbookVersion &&
      (p.partner === null || incident.partners.includes(p.partner)) &&
      p.kinds.some((kind) => catching.includes(kind)),
  );
}

/** Defect escape rate over the production incidents among `incidents`. */
export function defectEscape(
  incidents: readonly IncidentRecord[],
  passed: readonly PassedChecks[],
): DefectEscape {
  const production = incidents.filter((i) => i.production);
  const escapedIds = production.filter((i) => escapedOnboarding(i, passed)).map((i) => i.id);
  return {
    productionIncidents: production.length,
    escaped: escapedIds.length,
    rate: production.length === 0 ? null : escapedIds.length / production.length,
    escapedIds,
  };
}

/** Every metric over the given incidents. */
export function opsMetrics(
  incidents: readonly IncidentRecord[],
  passed: readonly PassedChecks[],
): OpsMetrics {
  const breachesByClock = Object.fromEntries(CLOCKS.map((c) => [c, 0])) as Record<ClockName, number>;
  for (const incident of incidents) for (const b of incident.breaches) breachesByClock[b.clock] += 1;
  return {
    incidents: incidents.length,
    mtta: durationStats(
      incidents.flatMap((i) => (i.acknowledgedAt === null ? [] : [i.acknowledgedAt - i.triggeredAt])),
    ),
    mttr: durationStats(
      incidents.flatMap((i) => (i.resolvedAt === null ? [] : [i.resolvedAt - i.triggeredAt])),
    ),
    bySeverity: countBy(incidents, (i) => i.severity),
    byDetector: countBy(incidents, (i) => i.detectorId ?? i.detectorKind ?? 'unknown'),
    byDetectorKind: countBy(incidents, (i) => i.detectorKind ?? 'unknown'),
    breachesByClock,
    defectEscape: defectEscape(incidents, passed),
  };
}

/**
 * The same metrics per partner: an incident counts for each partner it affected; incidents that name
 * no partner count only overall. Partners in name order.
 */
export function opsMetricsByPartner(
  incidents: readonly IncidentRecord[],
  passed: readonly PassedChecks[],
): Record<string, OpsMetrics> {
  const partners = [...new Set(incidents.flatMap((i) => i.partners))].sort();
  return Object.fromEntries(
    partners.map((partner) => [
      partner,
      opsMetrics(
        incidents.filter((i) => i.partners.includes(partner)),
        passed.filter((p) => p.partner === null || p.partner === partner),
      ),
    ]),
  );
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
