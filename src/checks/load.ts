import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { GangwayError } from '../core/errors.js';
import type { Finding, Sample } from '../core/result.js';
import { parseThreshold, type Threshold } from '../core/threshold.js';
import { policyOf } from '../http/address-guard.js';
import type { HttpStepSpec, LoadModel, LoadPlan, LoadSummary, StepFunction } from '../load/index.js';
import { resolveLoadTarget, runLoad, toStepSpec } from '../load/index.js';
import type { FlowStep, Targets } from '../playbook/schema.js';
import { durationSchema } from '../playbook/schema.js';
import { capture, checkExpectations, jsonBody } from './flow/expect.js';
import { planCall } from './flow/request.js';
import type { TemplateScope } from './flow/template.js';
import { isTargetFailure } from './http-failure.js';
import type { CheckContext, CheckKind } from './kind.js';
import { thresholdsSchema } from './thresholds.js';

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/;

/** A rate: a number of requests per second, or "20/s", "600/m". */
const rateSchema = z
  .union([z.number().positive(), z.string().regex(RATE, 'expected a rate such as 20/s or 600/m')])
  .describe('Requests per second: a number, or "20/s", "600/m".');

function perSecond(rate: number | string): number {
  if (typeof rate === 'number') return rate;
  const [, n, unit] = RATE.exec(rate.trim()) as unknown as [string, string, string];
  return unit === 'm' ? Number(n) / 60 : Number(n);
}

const options = z
  .strictObject({
    target: z
      .string()
      .min(1)
      .describe(
        'What each iteration does: a flow name (the whole flow), an operationId, "METHOD /path" or a path.',
      ),
    rate: rateSchema.optional().describe("Open model: a constant arrival rate, whatever the target's speed."),
    startRate: rateSchema.optional().describe('Open model with stages: the rate at the start (default 0).'),
    stages: z
      .array(z.strictObject({ duration: durationSchema, target: rateSchema }))
      .min(1)
      .optional()
      .describe("Open model: ramp the arrival rate linearly to each stage's target over its duration."),
    vus: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Closed model: this many virtual users in a loop.'),
    thinkTime: durationSchema
      .optional()
      .describe('Closed model: pause of each virtual user between iterations.'),
    duration: durationSchema
      .optional()
      .describe('How long to run (required unless maxRequests is set; default with stages: their total).'),
    maxRequests: z.number().int().min(1).optional().describe('Stop after this many iterations.'),
    thresholds: thresholdsSchema
      .optional()
      .describe(
        "Conditions on latency (p50..p99, max), errorRate, rps, requests; default: the playbook's targets.",
      ),
    abortOnFail: z.boolean().default(false).describe('Stop as soon as a threshold is certain to fail.'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('Worker threads for a single operation when one core is not enough (capped at the cores).'),
    timeout: durationSchema
      .default('10s')
      .describe('Time one iteration may take before it counts as a timeout.'),
    allowProduction: z
      .boolean()
      .default(false)
      .describe('Run even against an environment marked production.'),
  })
  .superRefine((o, ctx) => {
    const models = [o.rate !== undefined, o.stages !== undefined, o.vus !== undefined].filter(Boolean).length;
    if (models !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of rate (open model), stages (ramping) or vus (closed model)',
      });
    }
    if (o.duration === undefined && o.maxRequests === undefined && o.stages === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a load check needs a duration or maxRequests: it will not start without one',
      });
    }
  })
  .describe(
    'A load test: an arrival rate or virtual users against an operation or a whole flow, judged by thresholds.',
  )
  .meta({
    examples: [
      {
        target: 'checkout',
        rate: '20/s',
        duration: '60s',
        thresholds: ['p95 < 300ms', 'errorRate < 1%'],
        abortOnFail: true,
      },
    ],
  });

type Options = z.output<typeof options>;

/** Latency and error-rate thresholds from the playbook's reliability targets (used when none are given). */
export function thresholdsFromTargets(targets: Targets | undefined): string[] {
  const out: string[] = [];
  for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
    const value = targets?.latency?.[p];
    if (value) out.push(`${p} <= ${value}`);
  }
  if (targets?.errorRate) out.push(`errorRate <= ${targets.errorRate}`);
  return out;
}

/** Builds the engine's plan from the check's options. */
export function loadPlan(o: Options, thresholds: readonly Threshold[]): LoadPlan {
  let model: LoadModel;
  if (o.vus !== undefined) {
    model = { type: 'closed', vus: o.vus, thinkTimeMs: o.thinkTime ? parseDuration(o.thinkTime) : 0 };
  } else if (o.stages) {
    model = {
      type: 'open',
      startRate: o.startRate === undefined ? 0 : perSecond(o.startRate),
      stages: o.stages.map((s) => ({ durationMs: parseDuration(s.duration), target: perSecond(s.target) })),
    };
  } else {
    const rate = perSecond(o.rate!);
    const durationMs = o.duration ? parseDuration(o.duration) : Number.MAX_SAFE_INTEGER;
    model = { type: 'open', startRate: rate, stages: [{ durationMs, target: rate }] };
  }
  return {
    model,
    ...(o.duration && { durationMs: parseDuration(o.duration) }),
    ...(o.maxRequests && { maxRequests: o.maxRequests }),
    ...(o.stages &&
      !o.duration && { durationMs: model.type === 'open' ? sum(model.stages.map((s) => s.durationMs)) : 0 }),
    timeoutMs: parseDuration(o.timeout),
    thresholds,
    abortOnFail: o.abortOnFail,
    workers: o.workers,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Load and performance: an operation or a flow under an arrival rate or virtual users, judged by thresholds. */
export const load = {
  kind: 'load',
  description:
    'Drives an operation or a whole flow at an arrival rate (open model) or with virtual users (closed model); latency from HDR histograms (from the intended send time), errors by class, thresholds.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  runsAlone: true,
  title: (o) => `load ${o.target}`,
  async run(ctx, o, signal) {
    if (ctx.environment?.production && !o.allowProduction) {
      throw new GangwayError(
        'check.production',
        `refusing to load-test the production environment "${ctx.environment.name}" (set allowProduction: true to mean it)`,
      );
    }
    const expressions = o.thresholds ?? thresholdsFromTargets(ctx.targets);
    const plan = loadPlan(o, expressions.map(parseThreshold));
    const flowSteps = ctx.flows[o.target];
    const step = flowSteps ? flowStep(ctx, flowSteps) : await rawStep(ctx, o.target, plan.timeoutMs, signal);
    const summary = await runLoad(plan, step, {
      signal,
      onProgress: (p) =>
        ctx.progress(
          `${Math.round(p.rate)}/s, p95 ${Math.round(p.p95)}ms, ${p.errors} error(s), ${p.requests} done`,
          Math.round(p.elapsedMs / 1000),
          p.plannedMs === undefined ? undefined : Math.round(p.plannedMs / 1000),
        ),
    });
    return report(o.target, summary);
  },
} satisfies CheckKind<typeof options>;

/** The raw HTTP step: the request resolved once, the environment's auth applied once. */
async function rawStep(
  ctx: CheckContext,
  target: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HttpStepSpec> {
  const request = resolveLoadTarget(target, {
    ...(ctx.environment && { baseUrl: ctx.environment.baseUrl }),
    ...(ctx.spec && { spec: ctx.spec }),
    seed: ctx.seed,
  });
  // The environment's extra headers (request's own win), then its auth.
  const authed = { headers: { ...ctx.http.defaultHeaders, ...request.headers }, url: request.url };
  await ctx.http.auth.apply(authed, signal);
  const spec = toStepSpec({ ...request, ...authed }, timeoutMs, ctx.environment?.tls);
  // The raw step opens its own connections (in worker threads too): it takes the guard's policy.
  const policy = policyOf(ctx.http.lookup);
  if (ctx.http.lookup && !policy) {
    throw new GangwayError(
      'load.lookup',
      'the raw load step can only apply an address guard made by createAddressGuard',
    );
  }
  return policy ? { ...spec, addressPolicy: policy } : spec;
}

/** The generic step: one whole flow per iteration through the check's client (auth, limits, redaction). */
function flowStep(ctx: CheckContext, steps: readonly FlowStep[]): StepFunction {
  return async (_iteration, signal) => {
    const scope: TemplateScope = { ...ctx.environment?.variables };
    for (const step of steps) {
      const call = planCall(step, ctx.spec, scope);
      let res: Awaited<ReturnType<typeof ctx.http.request>>;
      try {
        res = await ctx.http.request(call.request, signal);
      } catch (error) {
        if (isTargetFailure(error)) {
          return { ok: false, errorClass: error.code === 'http.timeout' ? 'timeout' : 'connection' };
        }
        throw error;
      }
      const body = jsonBody(res);
      if (checkExpectations(step, call.label, 'load', res, body).length > 0) {
        return {
          ok: false,
          status: res.status,
          errorClass: res.status >= 400 ? String(res.status) : 'expectation',
        };
      }
      const captured = capture(step, res, body);
      if (captured.missing.length > 0) return { ok: false, status: res.status, errorClass: 'capture' };
      Object.assign(scope, captured.values);
    }
    return { ok: true };
  };
}

/** Findings (one per failed threshold), measurements (the summary) and the per-second series as samples. */
function report(target: string, s: LoadSummary) {
  const measurements: Record<string, number> = {
    requests: s.requests,
    rps: s.rps,
    failed: s.detail.failed,
    errorRate: s.detail.errorRate,
    dropped: s.detail.dropped,
    workers: s.detail.workers,
    durationMs: s.detail.durationMs,
    'latency.min': s.detail.latencyMin,
    'latency.avg': s.detail.latencyMean,
    'latency.p50': s.latency.p50,
    'latency.p90': s.latency.p90,
    'latency.p95': s.latency.p95,
    'latency.p99': s.latency.p99,
    'latency.max': s.latency.max,
  };
  for (const [cls, n] of Object.entries(s.errors)) measurements[`errors.${cls}`] = n;
  if (s.detail.aborted) measurements.aborted = 1;
  const findings: Finding[] = s.thresholds
    .filter((t) => !t.passed)
    .map((t) => {
      const metric = parseThreshold(t.expression).metric;
      const actual = t.actual === null ? 'no value' : formatMetric(metric, t.actual);
      const early =
        s.detail.aborted?.threshold === t.expression ? ` (stopped early: ${s.detail.aborted.reason})` : '';
      return {
        code: 'load.threshold',
        severity: 'error' as const,
        message: `${target}: ${t.expression} failed, ${metric} was ${actual}${early}`,
        operation: target,
        pointer: metric,
        expected: t.expression,
        actual,
        hint: metric.startsWith('latency.')
          ? 'Find what slows the target under load (a saturated pool, locks, a slow dependency); the per-second series shows when it started.'
          : metric === 'errorRate'
            ? `The errors by class say what failed: ${
                Object.entries(s.errors)
                  .map(([k, n]) => `${k} ×${n}`)
                  .join(', ') || 'none'
              }.`
            : 'The target did not sustain the rate asked for; look at its capacity and at the errors.',
      };
    });
  const samples: Sample[] = [];
  for (const point of s.series) {
    if (point.p95 === null || point.p50 === null) continue;
    const ok = point.errors === 0;
    const label = `${point.requests} req, ${point.errors} err`;
    samples.push({ t: point.t * 1000, ms: point.p50, ok, label: `p50 (${label})` });
    samples.push({ t: point.t * 1000, ms: point.p95, ok, label: `p95 (${label})` });
  }
  const errorText = Object.entries(s.errors)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  const summary =
    `${s.requests} requests, ${s.rps}/s, p95 ${s.latency.p95}ms, p99 ${s.latency.p99}ms, max ${s.latency.max}ms` +
    (errorText ? `, errors ${errorText}` : ', no errors') +
    (s.detail.aborted ? `; stopped early: ${s.detail.aborted.reason}` : '');
  return { summary, findings, measurements, thresholds: s.thresholds, samples };
}

function formatMetric(metric: string, value: number): string {
  if (metric.startsWith('latency.')) return `${value}ms`;
  if (metric === 'errorRate') return `${Math.round(value * 10_000) / 100}%`;
  return String(value);
}
