import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { GangwayError } from '../core/errors.js';
import { latencyMeasurements } from '../core/stats.js';
import type { ApiSpec, Operation } from '../openapi/types.js';
import { durationSchema } from '../playbook/schema.js';
import { notReached } from './contract/findings.js';
import { isSafe, orderOperations } from './contract/order.js';
import { ContractSession } from './contract/session.js';
import type { CheckKind } from './kind.js';
import { evaluateThresholds, latencyFindings, thresholdsSchema } from './thresholds.js';

const options = z
  .strictObject({
    safe: z
      .boolean()
      .default(false)
      .describe('Only GET, HEAD and OPTIONS (always the case on production environments).'),
    operations: z
      .array(z.string())
      .optional()
      .describe('Only these operations (operationId or "METHOD /path").'),
    exclude: z.array(z.string()).default([]).describe('Operations to leave out.'),
    maxCasesPerOperation: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe(
        'Requests per operation: the first from examples and defaults, the rest property-based cases generated from the schemas (reproducible with the run seed).',
      ),
    maxShrinks: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(20)
      .describe(
        'Requests per operation spent shrinking a failing property-based case to a minimal one (0: report it as first generated).',
      ),
    negative: z
      .boolean()
      .default(false)
      .describe(
        'Also send, per operation, requests that break one documented constraint each (missing required, wrong type, out of range, outside the enum, pattern, malformed JSON, undocumented content type): each must get a 4xx.',
      ),
    authProbes: z
      .boolean()
      .default(true)
      .describe(
        'Also send each accepted request to a secured operation without credentials and with a wrong one: both must get 401 or 403.',
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe(
        'Operations exercised at once. One that uses ids another captures waits for it; findings and evidence are recorded in operation order, so a seed reproduces the run at any concurrency.',
      ),
    rate: z
      .number()
      .positive()
      .max(10_000)
      .optional()
      .describe('At most this many requests per second (default: as fast as the API answers).'),
    maxLatency: durationSchema
      .optional()
      .describe('Latency budget of every single response: a slower one is a finding on its operation.'),
    thresholds: thresholdsSchema.optional(),
  })
  .default({
    safe: false,
    exclude: [],
    maxCasesPerOperation: 2,
    maxShrinks: 20,
    negative: false,
    authProbes: true,
    concurrency: 4,
  });

type Options = z.output<typeof options>;

/** Calls every operation it can with what the spec gives and validates every response against the spec. */
export const contract = {
  kind: 'contract',
  description:
    'Calls every operation the spec describes (examples, defaults, generated values, ids captured from creates and lists) and validates each response against the spec.',
  options,
  needsEnvironment: true,
  needsSpec: true,
  title: (o) => `contract${o.safe ? ' (safe methods)' : ''}`,
  async run(ctx, o, signal) {
    const spec = ctx.spec!;
    const { selected, notReached: left } = select(spec, o, ctx.environment?.production === true);
    const session = new ContractSession(
      ctx,
      spec,
      {
        maxCasesPerOperation: o.maxCasesPerOperation,
        maxShrinks: o.maxShrinks,
        probeAuth: o.authProbes,
        negative: o.negative,
        concurrency: o.concurrency,
        ...(o.rate !== undefined && { rate: o.rate }),
        ...(o.maxLatency !== undefined && { maxLatencyMs: parseDuration(o.maxLatency) }),
      },
      signal,
    );
    const { evidence, samples } = session;
    for (const [op, reason] of left) evidence.add(notReached(op, reason));
    await session.exerciseAll(selected, (op, index) => ctx.progress(op.id, index, selected.length));
    session.finish();
    const responses = session.responseCoverage(selected);
    const measurements = {
      ...latencyMeasurements(samples.map((s) => s.ms)),
      'operations.total': spec.operations.length,
      'operations.selected': selected.length,
      'operations.called': session.called.size,
      'operations.secured': selected.filter((op) => op.security.length > 0).length,
      requests: session.requests,
      'requests.property': session.propertyRequests,
      'requests.shrinking': session.shrinkRequests,
      'property.counterexamples': session.counterexamples,
      'coverage.responses.documented': responses.documented,
      'coverage.responses.seen': responses.seen,
    };
    const thresholds = evaluateThresholds(o.thresholds, measurements);
    for (const finding of latencyFindings(thresholds, samples)) evidence.add(finding);
    const errors = evidence.findings.filter(
      (f) => f.severity === 'error' && f.code !== 'latency.threshold',
    ).length;
    const missed = thresholds.filter((t) => !t.passed).map((t) => `; missed ${t.expression}`);
    return {
      summary: `${session.called.size}/${selected.length} operations called with ${session.requests} requests, ${responses.seen}/${responses.documented} documented responses seen; ${errors} finding(s)${missed.join('')}${
        left.length ? `; ${left.length} operation(s) left out` : ''
      }`,
      findings: evidence.findings,
      measurements,
      thresholds,
      samples,
      exchanges: evidence.exchanges,
    };
  },
} satisfies CheckKind<typeof options>;

function select(spec: ApiSpec, o: Options, production: boolean) {
  const notReached: [Operation, string][] = [];
  const wanted = o.operations?.map((ref) => resolveRef(spec, ref));
  const excluded = new Set(o.exclude.map((ref) => resolveRef(spec, ref).id));
  const safeOnly = o.safe || production;
  const selected: Operation[] = [];
  for (const op of orderOperations(wanted ?? spec.operations)) {
    if (excluded.has(op.id)) continue;
    if (safeOnly && !isSafe(op.method)) {
      notReached.push([
        op,
        production ? 'unsafe method on a production environment' : 'unsafe method in safe mode',
      ]);
      continue;
    }
    // A WebSocket (or other protocol) endpoint: a plain request can only be refused, the spec says nothing else.
    if (op.responses.length > 0 && op.responses.every((r) => r.status.startsWith('1'))) {
      notReached.push([
        op,
        `it documents only a protocol switch (${op.responses.map((r) => r.status).join(', ')}), not exercised over plain HTTP`,
      ]);
      continue;
    }
    selected.push(op);
  }
  return { selected, notReached };
}

function resolveRef(spec: ApiSpec, ref: string): Operation {
  const op = spec.operation(ref);
  if (!op) throw new GangwayError('check.bad-option', `operation "${ref}" is not in the spec`);
  return op;
}
