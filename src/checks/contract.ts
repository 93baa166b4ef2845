import { z } from 'zod';
import { errorMessage, GangwayError } from '../core/errors.js';
import type { Sample } from '../core/result.js';
import { latencyMeasurements } from '../core/stats.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { ApiSpec, Operation } from '../openapi/types.js';
import { toHttpRequest } from './contract/build.js';
import { judgeStatus } from './contract/judge.js';
import { collectionOf, collectionPath, isSafe, orderOperations } from './contract/order.js';
import { ResourcePool } from './contract/resources.js';
import { Evidence, forValidation } from './evidence.js';
import { sendOrRecord } from './http-failure.js';
import type { CheckContext, CheckKind } from './kind.js';
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
      .describe('Requests per operation: the first from examples and defaults, the rest generated.'),
    thresholds: thresholdsSchema.optional(),
  })
  .default({ safe: false, exclude: [], maxCasesPerOperation: 2 });

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
    const { selected, notReached } = select(spec, o, ctx.environment?.production === true);
    const evidence = new Evidence(200);
    for (const [op, reason] of notReached) evidence.add(notReachedFinding(op, reason));
    const pool = new ResourcePool();
    const samples: Sample[] = [];
    const started = Date.now();
    const hasCredentials =
      ctx.environment?.auth.type !== 'none' ||
      (ctx.environment?.headerNames ?? []).some((h) => /authorization|api-?key|token|secret/i.test(h));
    const called = new Set<string>();
    // Secured operations that refused us because no credentials were given: untested, never a quiet pass.
    const refused = new Set<string>();
    let requests = 0;
    let notFound = 0;

    for (const [index, op] of selected.entries()) {
      ctx.progress(`${op.id}`, index, selected.length);
      for (let n = 0; n < o.maxCasesPerOperation; n++) {
        const known: Record<string, unknown> = {};
        let madeUpIds = false;
        for (const p of op.parameters.filter((p) => p.in === 'path')) {
          const id = pool.idFor(collectionOf(op.path, p.name), p.name);
          if (id !== undefined) known[p.name] = id;
          else madeUpIds = true;
        }
        let request: HttpRequest;
        try {
          const generated = spec.generateRequest(op, {
            seed: ctx.seed + index * 101 + n,
            known,
            preferExamples: n === 0,
            includeOptional: n > 0,
          });
          if (generated.contentType && /multipart\//i.test(generated.contentType)) {
            evidence.add(notReachedFinding(op, 'multipart request bodies are not generated yet'));
            break;
          }
          request = toHttpRequest(op, generated, op.security.length > 0);
        } catch (error) {
          if (!(error instanceof GangwayError)) throw error;
          evidence.add(notReachedFinding(op, `no valid request could be built: ${error.message}`));
          break;
        }
        const t = Date.now() - started;
        const res = await send(ctx, request, signal, evidence, op);
        requests += 1;
        if (!res) {
          samples.push({ t, ms: Date.now() - started - t, ok: false, label: op.id });
          break;
        }
        called.add(op.id);
        if (res.status === 404) notFound += 1;
        if (!hasCredentials && op.security.length > 0 && (res.status === 401 || res.status === 403)) {
          refused.add(op.id);
        }
        let issues = spec.validateResponse(op, forValidation(res));
        if (res.status === 404 && madeUpIds) {
          // Nothing was created or listed to take an id from, so "not found" is the right answer to our
          // made-up id: an undocumented 404 is noted, not held against the API.
          issues = issues.filter((i) => i.code !== 'status.undocumented');
          evidence.add(
            notReachedFinding(op, 'it answered 404 to a made-up id (no create or list gave a real one)'),
          );
        }
        const judged = judgeStatus(op, res, { hasCredentials });
        samples.push({
          t,
          ms: res.timings.total,
          ok: issues.length === 0 && judged.every((f) => f.severity !== 'error'),
          label: op.id,
        });
        evidence.keep(res.exchange);
        evidence.addSpecIssues(issues, op, res);
        for (const f of judged) evidence.add(f, res.exchange);
        remember(pool, op, res);
        // Without request data that varies, more cases of a parameterless GET would repeat the same call.
        if (op.parameters.length === 0 && !op.requestBody) break;
      }
    }

    if (refused.size > 0) evidence.add(untestedWithoutCredentials([...refused]));
    if (requests > 1 && notFound === requests)
      evidence.add(everythingNotFound(ctx.environment?.baseUrl, spec));
    const secured = selected.filter((op) => op.security.length > 0);
    const measurements = {
      ...latencyMeasurements(samples.map((s) => s.ms)),
      'operations.total': spec.operations.length,
      'operations.selected': selected.length,
      'operations.called': called.size,
      'operations.secured': secured.length,
      requests,
    };
    const thresholds = evaluateThresholds(o.thresholds, measurements);
    for (const finding of latencyFindings(thresholds, samples)) evidence.add(finding);
    const errors = evidence.findings.filter(
      (f) => f.severity === 'error' && f.code !== 'latency.threshold',
    ).length;
    const missed = thresholds.filter((t) => !t.passed).map((t) => `; missed ${t.expression}`);
    return {
      summary: `${called.size}/${selected.length} operations called with ${requests} requests; ${errors} finding(s)${missed.join('')}${
        notReached.length ? `; ${notReached.length} operation(s) left out` : ''
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
    selected.push(op);
  }
  return { selected, notReached };
}

function resolveRef(spec: ApiSpec, ref: string): Operation {
  const op = spec.operation(ref);
  if (!op) throw new GangwayError('check.bad-option', `operation "${ref}" is not in the spec`);
  return op;
}

/** Sends a request; on 429 waits for Retry-After (at most 5s) once. Network failures become findings. */
async function send(
  ctx: CheckContext,
  request: HttpRequest,
  signal: AbortSignal,
  evidence: Evidence,
  op: Operation,
): Promise<HttpResponse | undefined> {
  const describe = (error: GangwayError) => ({
    code: 'response.none',
    severity: 'error' as const,
    message: `${op.id}: no response: ${errorMessage(error)}`,
    operation: op.id,
    actual: error.code,
    hint: 'The API did not answer this request; a valid request must get an answer within the timeouts.',
  });
  const res = await sendOrRecord(ctx.http, request, signal, evidence, describe);
  if (res?.status !== 429) return res;
  const wait = Math.min(5, Number(res.headers['retry-after'] ?? 1) || 1);
  await new Promise((r) => setTimeout(r, wait * 1000));
  return sendOrRecord(ctx.http, request, signal, evidence, describe);
}

function remember(pool: ResourcePool, op: Operation, res: HttpResponse): void {
  if (res.status < 200 || res.status >= 300 || op.path.endsWith('}')) return;
  const create = op.method === 'POST' || op.method === 'PUT';
  if (!create && op.method !== 'GET') return;
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return;
  }
  pool.remember(collectionPath(op), body, create);
}

function notReachedFinding(op: Operation, reason: string) {
  return {
    code: 'coverage.not-reached',
    severity: 'info' as const,
    message: `${op.id} was not called: ${reason}`,
    operation: op.id,
  };
}

function untestedWithoutCredentials(operations: string[]) {
  const shown =
    operations.slice(0, 5).join(', ') + (operations.length > 5 ? `, and ${operations.length - 5} more` : '');
  return {
    code: 'auth.no-credentials',
    severity: 'error' as const,
    message: `${operations.length} secured operation(s) refused the request because no credentials were given, so their behaviour was not tested: ${shown}`,
    operation: operations[0]!,
    pointer: 'status',
    expected: 'responses to authenticated requests',
    actual: '401/403',
    hint: 'Configure auth for the environment (or pass --header "Authorization: ..."), or limit the run to public operations with --operation.',
  };
}

/** Every request answered 404: almost always a base URL without the API's base path, not a broken API. */
function everythingNotFound(baseUrl: string | undefined, spec: ApiSpec) {
  const servers =
    spec.servers.length > 0 ? ` (the spec's servers: ${spec.servers.slice(0, 3).join(', ')})` : '';
  return {
    code: 'coverage.all-not-found',
    severity: 'error' as const,
    message: `every request answered 404, so nothing was really tested: is ${baseUrl ?? 'the base URL'} missing the API's base path${servers}?`,
    pointer: 'status',
    expected: 'some operation answering other than 404',
    actual: '404 everywhere',
    hint: 'Point the base URL at the API root, including any base path such as /v1.',
  };
}
