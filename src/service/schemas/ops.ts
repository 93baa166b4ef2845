import { z } from 'zod';
import { timestamp } from './common.js';

const statusEnum = z.enum(['triggered', 'acknowledged', 'mitigated', 'resolved']);

export const incidentSchema = z
  .object({
    id: z.string(),
    onboardingId: z.string().nullable(),
    partnerId: z.string().nullable(),
    playbookVersionId: z.string().nullable(),
    environment: z.string(),
    dedupKey: z.string(),
    detectorId: z.string(),
    detectorKind: z.string(),
    severity: z.string(),
    status: statusEnum,
    title: z.string(),
    summary: z.string(),
    impact: z.string().nullable(),
    components: z.array(z.string()),
    signature: z.string().describe('Failure signature: past incidents with the same one are alike.'),
    openedAt: timestamp,
    triggeredAt: timestamp
      .nullable()
      .describe('The first trigger ever; openedAt is the start of the current cycle (a flap re-opens).'),
    acknowledgedAt: timestamp.nullable(),
    acknowledgedBy: z.string().nullable().describe('Who acknowledged the current cycle.'),
    firstAttemptAt: timestamp.nullable(),
    mitigatedAt: timestamp.nullable(),
    resolvedAt: timestamp.nullable(),
    resolvedBy: z.string().nullable(),
    updatedAt: timestamp,
    version: z.number().int(),
  })
  .meta({ id: 'Incident' });

export const incidentDetailSchema = incidentSchema
  .extend({
    clocks: z
      .array(
        z.object({
          clock: z.string(),
          deadline: timestamp.nullable(),
          metAt: timestamp.nullable(),
          breachedAt: timestamp.nullable(),
        }),
      )
      .describe('Each clock of the severity: due when, met or breached.'),
    escalation: z.object({ round: z.number().int(), level: z.number().int() }).nullable(),
    runbook: z
      .object({ name: z.string(), markdown: z.string().nullable() })
      .nullable()
      .describe('The linked runbook (its markdown as written in the playbook).'),
    similar: z.array(
      z.object({ id: z.string(), title: z.string(), openedAt: timestamp, status: statusEnum }),
    ),
  })
  .meta({ id: 'IncidentDetail' });

export const incidentEventSchema = z
  .object({
    seq: z.number().int(),
    at: timestamp,
    type: z.string(),
    actor: z.string(),
    message: z.string(),
    data: z.unknown(),
  })
  .meta({ id: 'IncidentEvent' });

export const deliverySchema = z
  .object({
    key: z.string(),
    notifier: z.string(),
    event: z.string(),
    status: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
  })
  .meta({ id: 'Delivery' });

export const followupSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    title: z.string(),
    owner: z.string(),
    dueAt: timestamp.nullable(),
    doneAt: timestamp.nullable(),
  })
  .meta({ id: 'Followup' });

export const changeSchema = z
  .object({
    id: z.string(),
    at: timestamp,
    kind: z.enum(['deploy', 'config', 'playbook', 'other']),
    title: z.string(),
    description: z.string().nullable(),
    partnerId: z.string().nullable(),
    environment: z.string().nullable(),
    ref: z.string().nullable(),
    actor: z.string(),
  })
  .meta({ id: 'Change' });

export const monitoringSchema = z
  .object({
    onboardingId: z.string(),
    enabled: z.boolean(),
    changedAt: timestamp.nullable(),
    changedBy: z.string().nullable(),
    monitors: z.array(
      z.object({
        id: z.string(),
        environment: z.string(),
        kind: z.string(),
        everyMs: z.number().int(),
        lastAt: timestamp.nullable(),
        lastOutcome: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Monitoring' });

export const sampleSchema = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    environment: z.string(),
    at: z.number().describe('Milliseconds since the epoch.'),
    outcome: z.string(),
    durationMs: z.number(),
    measurements: z.record(z.string(), z.number()),
    findings: z.array(
      z.object({
        code: z.string(),
        severity: z.string(),
        message: z.string(),
        operation: z.string().optional(),
        pointer: z.string().optional(),
      }),
    ),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'MonitorSample' });
