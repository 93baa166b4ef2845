import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { errorMessage, GangwayError } from '../core/errors.js';
import type { Sample } from '../core/result.js';
import { latencyMeasurements } from '../core/stats.js';
import { evaluateThreshold, parseThreshold } from '../core/threshold.js';
import { durationSchema } from '../playbook/schema.js';
import { Evidence, forValidation } from './evidence.js';
import { errorExchange } from './http-failure.js';
import type { CheckKind } from './kind.js';
import { statusMatches } from './status.js';
import { latencyFindings } from './thresholds.js';

const options = z
  .strictObject({
    path: z
      .string()
      .startsWith('/')
      .optional()
      .describe('Path to call (default: the spec\'s health operation, else "/").'),
    operation: z
      .string()
      .optional()
      .describe('An operationId or "GET /path" from the spec instead of a path.'),
    expectStatus: z
      .union([z.number().int(), z.string().regex(/^[1-5]xx$/)])
      .default('2xx')
      .describe('Expected status code or class.'),
    maxLatency: durationSchema.optional().describe('Latency budget for p95 (default: targets.latency.p95).'),
    samples: z.number().int().min(1).max(100).default(3).describe('Requests to send.'),
    auth: z.boolean().optional().describe('Send credentials (default: only if the operation is secured).'),
  })
  .default({ expectStatus: '2xx', samples: 3 });

const HEALTH_PATH = /^\/(health|healthz|healthcheck|status|ping|livez|readyz)\/?$/i;

/** The target answers with the expected status within its latency budget. */
export const health = {
  kind: 'health',
  description: 'Calls a health endpoint a few times: expected status, latency within budget.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  title: (o) => `health ${o.operation ?? o.path ?? ''}`.trim(),
  async run(ctx, o, signal) {
    const operation = o.operation
      ? ctx.spec?.operation(o.operation)
      : o.path
        ? ctx.spec?.match('GET', o.path)?.operation
        : ctx.spec?.operations.find((op) => op.method === 'GET' && HEALTH_PATH.test(op.path));
    if (o.operation && !operation) {
      throw new GangwayError('check.bad-option', `operation "${o.operation}" is not in the spec`);
    }
    const path = o.path ?? operation?.path ?? '/';
    const auth = o.auth ?? (operation ? operation.security.length > 0 : false);
    const label = operation?.id ?? `GET ${path}`;
    const evidence = new Evidence(20);
    const samples: Sample[] = [];
    const started = Date.now();
    let up = 0;
    for (let i = 0; i < o.samples; i++) {
      ctx.progress(`request ${i + 1} of ${o.samples}`, i, o.samples);
      const t = Date.now() - started;
      try {
        const res = await ctx.http.request({ method: 'GET', url: path, operation: label, auth }, signal);
        const ok = statusMatches(res.status, o.expectStatus);
        samples.push({ t, ms: res.timings.total, ok, label });
        if (ok) up += 1;
        else {
          evidence.add(
            {
              code: 'health.status',
              severity: 'error',
              message: `${label} answered ${res.status}`,
              operation: label,
              pointer: 'status',
              expected: String(o.expectStatus),
              actual: String(res.status),
              hint: 'The health endpoint should answer its expected status while the service is up.',
              curl: res.curl,
            },
            res.exchange,
          );
        }
        if (operation && ctx.spec && ok)
          evidence.addSpecIssues(ctx.spec.validateResponse(operation, forValidation(res)), operation, res);
        else evidence.keep(res.exchange);
      } catch (error) {
        if (signal.aborted) throw error;
        samples.push({ t, ms: Date.now() - started - t, ok: false, label });
        const exchange = errorExchange(error);
        evidence.add(
          {
            code: 'health.unreachable',
            severity: 'error',
            message: `${label} could not be reached: ${errorMessage(error)}`,
            operation: label,
            expected: String(o.expectStatus),
            actual: error instanceof GangwayError ? error.code : 'error',
            hint: 'Check that the environment base URL is right and the service is running.',
          },
          exchange,
        );
      }
    }
    const measurements: Record<string, number> = {
      ...latencyMeasurements(samples.filter((s) => s.ok).map((s) => s.ms)),
      availability: up / o.samples,
    };
    const budget = o.maxLatency ?? ctx.targets?.latency?.p95;
    const thresholds = budget
      ? [evaluateThreshold(parseThreshold(`p95 < ${budget}`), measurements)].map((r) =>
          // with no successful sample there is nothing to judge latency on; the status finding says why
          up === 0 ? { ...r, passed: true } : r,
        )
      : [];
    for (const finding of latencyFindings(
      thresholds,
      samples.filter((s) => s.ok),
    ))
      evidence.add(finding);
    const p95 = measurements['latency.p95'];
    const summary =
      up === o.samples
        ? `${up}/${o.samples} up, p95 ${p95 !== undefined ? Math.round(p95) : '-'}ms${budget ? ` (budget ${parseDuration(budget)}ms)` : ''}`
        : `${o.samples - up} of ${o.samples} requests failed`;
    return {
      summary,
      findings: evidence.findings,
      measurements,
      thresholds,
      samples,
      exchanges: evidence.exchanges,
    };
  },
} satisfies CheckKind<typeof options>;
