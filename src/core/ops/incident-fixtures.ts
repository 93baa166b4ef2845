import type { IncidentConfig } from './incident-simulate.js';
import type { EscalationPolicy, SeverityConfig, Signal } from './types.js';

/**
 * The configuration of the playbook example in docs/incidents.md (SEV1: three levels, one repeat),
 * shared by the scenario tests, the property test and the worked example so they cannot disagree.
 */

export const MINUTE = 60_000;
/** An arbitrary epoch for examples: 2025-06-01T10:00:00Z. */
export const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);

export function severityConfig(
  id: string,
  rank: number,
  clocks: Partial<SeverityConfig['clocks']> = {},
): SeverityConfig {
  return {
    id,
    title: id,
    rank,
    clocks: { acknowledge: null, firstResolutionAttempt: null, mitigate: null, resolve: null, ...clocks },
  };
}

export const SEV1 = severityConfig('SEV1', 1, {
  acknowledge: 15 * MINUTE,
  firstResolutionAttempt: 60 * MINUTE,
  mitigate: 120 * MINUTE,
  resolve: 240 * MINUTE,
});
export const SEV2 = severityConfig('SEV2', 2, { acknowledge: 30 * MINUTE, resolve: 480 * MINUTE });
export const SEV3 = severityConfig('SEV3', 3, { acknowledge: 60 * MINUTE });

export const SEV1_POLICY: EscalationPolicy = {
  severity: 'SEV1',
  levels: [
    { notify: ['oncall-primary', 'team-chat'], afterMs: 0 },
    { notify: ['oncall-secondary'], afterMs: 15 * MINUTE },
    { notify: ['eng-manager'], afterMs: 30 * MINUTE },
  ],
  repeat: 1,
  repeatAfterMs: 15 * MINUTE,
  updates: ['team-chat'],
};

export const SEV2_POLICY: EscalationPolicy = {
  severity: 'SEV2',
  levels: [
    { notify: ['oncall-primary'], afterMs: 0 },
    { notify: ['oncall-secondary'], afterMs: 10 * MINUTE },
  ],
  repeat: 0,
  repeatAfterMs: 10 * MINUTE,
  updates: ['team-chat'],
};

export const SEV3_POLICY: EscalationPolicy = {
  severity: 'SEV3',
  levels: [{ notify: ['team-chat'], afterMs: 0 }],
  repeat: 0,
  repeatAfterMs: 15 * MINUTE,
  updates: [],
};

export const EXAMPLE_CONFIG: IncidentConfig = {
  severities: [SEV1, SEV2, SEV3],
  escalation: [SEV1_POLICY, SEV2_POLICY, SEV3_POLICY],
};

/** A latency-spike signal on the production health monitor. */
export function latencySignal(type: Signal['type'], at: number, severity = 'SEV1'): Signal {
  return {
    type,
    detectorId: 'slow',
    detectorKind: 'latency-spike',
    dedupKey: 'slow:api-health:production',
    severity,
    title: 'Latency spike on api-health',
    summary: type === 'recover' ? 'latency.p95 back under 800ms' : 'latency.p95 2300ms > 800ms for 5m',
    signature: 'latency-spike:api-health',
    at,
    monitorId: 'api-health',
    environment: 'production',
    details: { 'latency.p95': 2300 },
  };
}
