import { z } from 'zod';
import { OUTCOMES } from '../core/result.js';
import type { FinalRunStatus } from '../store/index.js';

// The part of a `gangway run` JSON report (docs/report-format.md, formatVersion 1) the service stores.
// Unknown fields are dropped; what is kept is checked, so a hand-made upload cannot store garbage.

const finding = z.object({
  code: z.string().max(200),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string().max(10_000),
  operation: z.string().max(500).optional(),
  pointer: z.string().max(2000).optional(),
  expected: z.string().max(10_000).optional(),
  actual: z.string().max(10_000).optional(),
  hint: z.string().max(10_000).optional(),
  curl: z.string().max(20_000).optional(),
  exchangeId: z.string().max(200).optional(),
  count: z.number().int().optional(),
});

const checkResult = z.object({
  id: z.string().min(1).max(200),
  kind: z.string().min(1).max(100),
  title: z.string().max(500),
  required: z.boolean(),
  outcome: z.enum(OUTCOMES),
  summary: z.string().max(10_000),
  startedAt: z.string().max(64),
  durationMs: z.number().min(0),
  findings: z.array(finding).max(5_000),
  measurements: z.record(z.string(), z.number()),
  thresholds: z
    .array(z.object({ expression: z.string().max(500), actual: z.number().nullable(), passed: z.boolean() }))
    .max(100),
  samples: z
    .array(
      z.object({ t: z.number(), ms: z.number(), ok: z.boolean(), label: z.string().max(200).optional() }),
    )
    .max(100_000),
  exchanges: z.array(z.looseObject({ id: z.string() })).max(1_000),
  error: z.object({ code: z.string().max(200), message: z.string().max(10_000) }).optional(),
});

export const uploadedReportSchema = z
  .object({
    formatVersion: z.literal(1),
    run: z.object({
      stage: z.object({ id: z.string().min(1).max(128) }),
      environment: z.object({ name: z.string().max(128) }).optional(),
    }),
    outcome: z.enum(['passed', 'failed', 'errored', 'cancelled']),
    checks: z.array(checkResult).max(500),
  })
  .describe('The JSON report of `gangway run` (formatVersion 1).');

/** The stored status of an uploaded run. */
export function uploadStatus(outcome: z.output<typeof uploadedReportSchema>['outcome']): FinalRunStatus {
  return outcome === 'cancelled' ? 'interrupted' : outcome;
}
