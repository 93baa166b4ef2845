import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IncidentRecord } from './incident-record.js';
import {
  defectEscape,
  durationStats,
  escapedOnboarding,
  opsMetrics,
  opsMetricsByPartner,
  type PassedChecks,
} from './ops-metrics.js';

const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);
const M = 60_000;

function incident(id: string, partial: Partial<IncidentRecord>): IncidentRecord {
  return {
    id,
    title: id,
    severity: 'SEV2',
    status: 'resolved',
    problemStatement: '',
    impact: null,
    partners: ['acme'],
    components: [],
    environment: 'production',
    production: true,
    detectorId: null,
    detectorKind: null,
    signature: null,
    playbook: 'notes',
    playbookVersion: '1.0.0',
    runbook: null,
    startedAt: null,
    triggeredAt: T0,
    acknowledgedAt: null,
    firstAttemptAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    breaches: [],
    ...partial,
  };
}

const passedAcme: PassedChecks = {
  playbook: 'notes',
  version: '1.0.0',
  partner: 'acme',
  kinds: ['contract', 'health'],
};

describe('escapedOnboarding: one row per case', () => {
  const rows: Array<{ name: string; incident: IncidentRecord; passed: PassedChecks[]; escaped: boolean }> = [
    {
      name: 'schema drift in production after contract passed on the same version → escaped',
      incident: incident('a', { detectorKind: 'schema-drift' }),
      passed: [passedAcme],
      escaped: true,
    },
    {
      name: 'the contract passed on another version → not escaped',
      incident: incident('b', { detectorKind: 'schema-drift', playbookVersion: '1.1.0' }),
      passed: [passedAcme],
      escaped: false,
    },
    {
      name: 'another playbook with the same version → not escaped',
      incident: incident('b2', { detectorKind: 'schema-drift', playbook: 'payments' }),
      passed: [passedAcme],
      escaped: false,
    },
    {
      name: 'the check passed for another partner → not escaped',
      incident: incident('c', { detectorKind: 'availability', partners: ['globex'] }),
      passed: [passedAcme],
      escaped: false,
    },
    {
      name: 'a check recorded for any partner counts for every partner',
      incident: incident('d', { detectorKind: 'certificate-expiring', partners: ['globex'] }),
      passed: [{ playbook: 'notes', version: '1.0.0', partner: null, kinds: ['tls'] }],
      escaped: true,
    },
    {
      name: 'latency spike: only a contract check with latency thresholds counts, not a plain contract',
      incident: incident('e', { detectorKind: 'latency-spike' }),
      passed: [{ ...passedAcme, kinds: ['contract'] }],
      escaped: false,
    },
    {
      name: 'latency spike after a contract with latency thresholds passed → escaped',
      incident: incident('f', { detectorKind: 'latency-spike' }),
      passed: [{ ...passedAcme, kinds: ['contract-latency'] }],
      escaped: true,
    },
    {
      name: 'error-rate spike after a flow passed → escaped',
      incident: incident('g', { detectorKind: 'error-rate-spike' }),
      passed: [{ ...passedAcme, kinds: ['flow'] }],
      escaped: true,
    },
    {
      name: 'credential failing without a credentials check → not escaped',
      incident: incident('h', { detectorKind: 'credential-failing' }),
      passed: [passedAcme],
      escaped: false,
    },
    {
      name: 'a custom detector has no onboarding counterpart',
      incident: incident('i', { detectorKind: 'custom' }),
      passed: [{ ...passedAcme, kinds: ['contract', 'health', 'load', 'flow', 'tls', 'credentials'] }],
      escaped: false,
    },
    {
      name: 'an incident outside production (a drill) never escapes',
      incident: incident('j', { detectorKind: 'availability', production: false }),
      passed: [passedAcme],
      escaped: false,
    },
  ];
  for (const row of rows)
    test(row.name, () => assert.equal(escapedOnboarding(row.incident, row.passed), row.escaped));
});

describe('ops metrics', () => {
  const incidents = [
    incident('i1', {
      severity: 'SEV1',
      detectorId: 'slow',
      detectorKind: 'latency-spike',
      acknowledgedAt: T0 + 5 * M,
      resolvedAt: T0 + 60 * M,
      breaches: [{ clock: 'firstResolutionAttempt', deadline: T0 + 30 * M, at: T0 + 30 * M }],
    }),
    incident('i2', {
      detectorKind: 'schema-drift',
      acknowledgedAt: T0 + 20 * M,
      resolvedAt: T0 + 120 * M,
      breaches: [{ clock: 'acknowledge', deadline: T0 + 15 * M, at: T0 + 15 * M }],
    }),
    incident('i3', {
      partners: ['globex', 'acme'],
      detectorKind: 'availability',
      status: 'triggered',
      breaches: [{ clock: 'acknowledge', deadline: T0 + 15 * M, at: T0 + 15 * M }],
    }),
    incident('i4', {
      partners: ['globex'],
      severity: 'SEV1',
      production: false,
      detectorKind: 'availability',
    }),
    incident('i5', {
      partners: [],
      detectorKind: 'schema-drift',
      acknowledgedAt: T0 + 2 * M,
      resolvedAt: T0 + 4 * M,
    }),
  ];

  test('overall: MTTA and MTTR over the incidents that reached them, counts, breaches, escapes', () => {
    const metrics = opsMetrics(incidents, [passedAcme]);
    assert.deepEqual(metrics, {
      incidents: 5,
      mtta: { count: 3, mean: 9 * M, p50: 5 * M, p90: 20 * M },
      mttr: { count: 3, mean: Math.round(((60 + 120 + 4) * M) / 3), p50: 60 * M, p90: 120 * M },
      bySeverity: { SEV1: 2, SEV2: 3 },
      byDetector: { slow: 1, 'schema-drift': 2, availability: 2 },
      byDetectorKind: { 'latency-spike': 1, 'schema-drift': 2, availability: 2 },
      breachesByClock: { acknowledge: 2, firstResolutionAttempt: 1, mitigate: 0, resolve: 0 },
      defectEscape: { productionIncidents: 4, escaped: 3, rate: 0.75, escapedIds: ['i1', 'i2', 'i3'] },
    });
  });

  test('per partner: an incident counts for each partner it names; checks for another partner do not', () => {
    const byPartner = opsMetricsByPartner(incidents, [passedAcme]);
    assert.deepEqual(Object.keys(byPartner), ['acme', 'globex']);
    assert.equal(byPartner.acme?.incidents, 3);
    assert.deepEqual(byPartner.acme?.defectEscape.escapedIds, ['i1', 'i2', 'i3']);
    assert.equal(byPartner.globex?.incidents, 2);
    assert.deepEqual(byPartner.globex?.defectEscape, {
      productionIncidents: 1,
      escaped: 0,
      rate: 0,
      escapedIds: [],
    });
    assert.deepEqual(byPartner.globex?.mttr, { count: 0, mean: null, p50: null, p90: null });
  });

  test('nothing to measure: null figures, no rate', () => {
    assert.deepEqual(durationStats([]), { count: 0, mean: null, p50: null, p90: null });
    assert.deepEqual(defectEscape([], []), {
      productionIncidents: 0,
      escaped: 0,
      rate: null,
      escapedIds: [],
    });
    assert.deepEqual(durationStats([3, 1, 2]), { count: 3, mean: 2, p50: 2, p90: 3 });
  });
});
