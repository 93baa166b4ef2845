import { z } from 'zod';
import { OUTCOMES } from '../../core/result.js';
import { ROLES, RUN_STATUSES } from '../../store/index.js';
import { timestamp } from './common.js';

export const roleSchema = z.enum(ROLES);

export const partnerSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: timestamp, createdBy: z.string() })
  .meta({ id: 'Partner' });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    partnerId: z.string().nullable(),
    createdAt: timestamp,
    createdBy: z.string(),
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'Token' });

export const playbookSummarySchema = z
  .object({
    id: z.string().describe('Content address: sha256 of the playbook and spec texts.'),
    name: z.string(),
    createdAt: timestamp,
    createdBy: z.string(),
  })
  .meta({ id: 'PlaybookVersionSummary' });

export const playbookVersionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string().describe('The playbook’s own semantic version.'),
    title: z.string().nullable(),
    stages: z.array(
      z.object({
        id: z.string(),
        title: z.string().nullable(),
        environment: z.string().nullable(),
        checks: z.array(z.object({ id: z.string(), kind: z.string(), required: z.boolean() })),
        signoff: z.array(z.string()),
        partnerRuns: z.boolean(),
        freshness: z.string().describe('How old a passing run may be and still open the gate.'),
      }),
    ),
    playbookText: z.string(),
    specText: z.string().nullable(),
    createdAt: timestamp,
    createdBy: z.string(),
  })
  .meta({ id: 'PlaybookVersion' });

export const onboardingSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    playbookName: z.string(),
    playbookVersionId: z.string(),
    currentStage: z.string(),
    startedAt: timestamp,
    createdBy: z.string(),
  })
  .meta({ id: 'Onboarding' });

export const transitionSchema = z
  .object({
    id: z.string(),
    onboardingId: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    who: z.string(),
    why: z.string(),
    at: timestamp,
  })
  .meta({ id: 'Transition' });

export const runSchema = z
  .object({
    id: z.string(),
    onboardingId: z.string(),
    partnerId: z.string(),
    stage: z.string(),
    playbookVersionId: z.string(),
    environment: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    attempts: z.number().int(),
    workerId: z.string().nullable(),
    heartbeatAt: timestamp.nullable(),
    source: z.enum(['local', 'uploaded']),
    createdAt: timestamp,
    createdBy: z.string(),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    evidenceHash: z.string().nullable(),
  })
  .meta({ id: 'Run' });

const findingSchema = z.looseObject({
  code: z.string(),
  severity: z.string(),
  message: z.string(),
  operation: z.string().optional(),
  pointer: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  hint: z.string().optional(),
  curl: z.string().optional(),
  exchangeId: z.string().optional(),
  count: z.number().optional(),
});

export const resultSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    partnerId: z.string(),
    checkId: z.string(),
    kind: z.string(),
    title: z.string(),
    required: z.boolean(),
    outcome: z.enum(OUTCOMES),
    summary: z.string(),
    startedAt: timestamp,
    durationMs: z.number(),
    findings: z.array(findingSchema),
    measurements: z.record(z.string(), z.number()),
    thresholds: z.array(
      z.object({ expression: z.string(), actual: z.number().nullable(), passed: z.boolean() }),
    ),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    evidenceSha: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'CheckResult' });

export const evidenceSchema = z
  .object({
    exchanges: z.array(z.unknown()),
    samples: z.array(z.unknown()),
    truncated: z.boolean(),
  })
  .meta({ id: 'Evidence' });

export const signoffSchema = z
  .object({
    id: z.string(),
    onboardingId: z.string(),
    stage: z.string(),
    role: z.string(),
    who: z.string(),
    runId: z.string(),
    evidenceHash: z.string(),
    note: z.string().nullable(),
    at: timestamp,
  })
  .meta({ id: 'Signoff' });

export const waiverSchema = z
  .object({
    id: z.string(),
    onboardingId: z.string(),
    stage: z.string().nullable(),
    checkId: z.string(),
    reason: z.string(),
    approver: z.string(),
    expiresAt: timestamp,
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'Waiver' });

export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    at: timestamp,
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    payload: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const gateSchema = z
  .object({
    onboardingId: z.string(),
    stage: z.string(),
    verdict: z.enum(['open', 'blocked']),
    reasons: z.array(z.string()),
    notes: z.array(z.string()),
    run: z
      .object({ id: z.string(), finishedAt: timestamp.nullable(), evidenceHash: z.string().nullable() })
      .nullable()
      .describe(
        'The run whose evidence the gate judged: the latest finished run on the current playbook version.',
      ),
    freshUntil: timestamp.nullable().describe('When that run stops being fresh enough.'),
    checks: z.array(
      z.object({
        checkId: z.string(),
        required: z.boolean(),
        outcome: z.string(),
        blocking: z.boolean(),
        waivedBy: z
          .object({ checkId: z.string(), reason: z.string(), approver: z.string(), expiresAt: timestamp })
          .optional(),
      }),
    ),
    signoffs: z.object({ required: z.array(z.string()), pending: z.array(z.string()) }),
    next: z.string().nullable().describe('The stage a transition would go to (null after the last stage).'),
  })
  .meta({ id: 'Gate' });
