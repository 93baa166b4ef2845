import { z } from 'zod';
import { errorMessage, GangwayError } from '../core/errors.js';
import type { Sample } from '../core/result.js';
import { latencyMeasurements } from '../core/stats.js';
import type { FlowStep } from '../playbook/schema.js';
import { Evidence, forValidation } from './evidence.js';
import { capture, checkExpectations, jsonBody } from './flow/expect.js';
import { planCall } from './flow/request.js';
import type { TemplateScope } from './flow/template.js';
import { sendOrRecord } from './http-failure.js';
import type { CheckKind } from './kind.js';
import { evaluateThresholds, latencyFindings, thresholdsSchema } from './thresholds.js';

const options = z
  .union([
    z
      .string()
      .min(1)
      .transform((flow) => ({ flow, repeat: 1, thresholds: undefined as string[] | undefined })),
    z.strictObject({
      flow: z.string().min(1).describe('Name of a flow under flows:'),
      repeat: z.number().int().min(1).max(1000).default(1).describe('Run the flow this many times in a row.'),
      thresholds: thresholdsSchema.optional(),
    }),
  ])
  .describe('The name of a flow, or { flow, repeat }.');

/** Runs a multi-step business scenario: each step's expectations, captures and spec conformance. */
export const flow = {
  kind: 'flow',
  description:
    'Runs a flow from the playbook: every step called, its expectations checked, its response validated.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  title: (o) => `flow ${o.flow}`,
  async run(ctx, o, signal) {
    const steps = ctx.flows[o.flow];
    if (!steps) throw new GangwayError('check.bad-option', `flow "${o.flow}" is not defined under flows:`);
    const evidence = new Evidence(100);
    const samples: Sample[] = [];
    const started = Date.now();
    let completed = 0;
    for (let round = 0; round < o.repeat; round++) {
      const scope: TemplateScope = { ...ctx.environment?.variables };
      for (const [index, step] of steps.entries()) {
        const where = `step ${index + 1}${step.name ? ` (${step.name})` : ''}${o.repeat > 1 ? ` of run ${round + 1}` : ''}`;
        ctx.progress(`${where}: ${step.call}`, round * steps.length + index, o.repeat * steps.length);
        const ok = await runStep(step, where, scope, ctx, evidence, samples, started, signal);
        if (!ok) {
          const left = steps.length - index - 1;
          return report(
            o,
            evidence,
            samples,
            completed,
            `stopped at ${where}${left ? `; ${left} step(s) not run` : ''}`,
          );
        }
      }
      completed += 1;
    }
    return report(o, evidence, samples, completed, `${steps.length} step(s) × ${o.repeat}`);
  },
} satisfies CheckKind<typeof options>;

/** Runs one step; returns false when the flow cannot go on (status, capture or network failure). */
async function runStep(
  step: FlowStep,
  where: string,
  scope: TemplateScope,
  ctx: Parameters<(typeof flow)['run']>[0],
  evidence: Evidence,
  samples: Sample[],
  started: number,
  signal: AbortSignal,
): Promise<boolean> {
  const call = planCall(step, ctx.spec, scope);
  const t = Date.now() - started;
  const res = await sendOrRecord(ctx.http, call.request, signal, evidence, (error) => ({
    code: 'flow.request-failed',
    severity: 'error',
    message: `${where}: ${call.label} failed: ${errorMessage(error)}`,
    operation: call.label,
    actual: error.code,
    hint: 'The API did not answer; check that it is up and reachable from here.',
  }));
  if (!res) {
    samples.push({ t, ms: Date.now() - started - t, ok: false, label: call.label });
    return false;
  }
  const body = jsonBody(res);
  const failures = checkExpectations(step, call.label, where, res, body);
  samples.push({ t, ms: res.timings.total, ok: failures.length === 0, label: call.label });
  evidence.keep(res.exchange);
  for (const f of failures) evidence.add(f, res.exchange);
  if (failures.some((f) => f.code === 'flow.status')) return false;
  if (step.validate && call.operation && ctx.spec) {
    evidence.addSpecIssues(
      ctx.spec.validateResponse(call.operation, forValidation(res)),
      call.operation,
      res,
    );
  }
  const captured = capture(step, res, body);
  Object.assign(scope, captured.values);
  for (const m of captured.missing) {
    evidence.add(
      {
        code: 'flow.capture-missing',
        severity: 'error',
        message: `${where}: nothing at ${m.from} in the response of ${call.label} to capture as ${m.name}`,
        operation: call.label,
        pointer: m.from,
        expected: `a value at ${m.from}`,
        actual: 'absent',
        hint: 'Later steps need this value; the response does not carry it.',
        curl: res.curl,
      },
      res.exchange,
    );
  }
  return captured.missing.length === 0;
}

function report(
  o: { flow: string; thresholds?: string[] | undefined },
  evidence: Evidence,
  samples: Sample[],
  completed: number,
  detail: string,
) {
  const measurements = { ...latencyMeasurements(samples.map((s) => s.ms)), completed, steps: samples.length };
  const thresholds = evaluateThresholds(o.thresholds, measurements);
  for (const finding of latencyFindings(thresholds, samples)) evidence.add(finding);
  const missed = thresholds.filter((t) => !t.passed).map((t) => t.expression);
  const failed = evidence.findings.filter(
    (f) => f.severity === 'error' && f.code !== 'latency.threshold',
  ).length;
  const verdict =
    failed > 0 ? `${failed} finding(s)` : missed.length > 0 ? `missed ${missed.join(', ')}` : 'passed';
  return {
    summary: `flow ${o.flow} ${verdict}: ${detail}`,
    findings: evidence.findings,
    thresholds,
    measurements,
    samples,
    exchanges: evidence.exchanges,
  };
}
