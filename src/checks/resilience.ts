import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { GangwayError } from '../core/errors.js';
import type { CheckReport, Exchange, Finding } from '../core/result.js';
import { isJsonMedia } from '../openapi/media-type.js';
import { type FaultProxy, faultSchema, type ObservedExchange, startProxy } from '../proxy/index.js';
import { Evidence } from './evidence.js';
import { flow } from './flow.js';
import type { CheckContext, CheckKind } from './kind.js';

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'expected a duration such as 500ms or 5s')
  .describe('A duration such as 500ms or 5s.');

const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('Label in findings (default: the fault types).'),
    at: z
      .enum(['front', 'dependency'])
      .default('front')
      .describe('front: between Gangway and the API; dependency: between the API and its dependency.'),
    faults: z.array(faultSchema).min(1).describe('Faults active during the scenario.'),
  })
  .describe('One degraded condition the flows run under.');

const options = z
  .strictObject({
    flows: z.array(z.string().min(1)).min(1).describe('Names of flows under flows: run under each scenario.'),
    scenarios: z.array(scenarioSchema).min(1).describe('Fault scenarios, run one after the other.'),
    dependency: z
      .strictObject({
        upstream: z.string().url().describe('The dependency the API calls, e.g. http://127.0.0.1:9000.'),
        port: z.number().int().min(1).max(65535).describe('Port the API is configured to reach it through.'),
        host: z.string().default('127.0.0.1').describe('Interface of that port.'),
      })
      .optional()
      .describe('A proxy Gangway starts in front of a dependency of the API (for scenarios at: dependency).'),
    budget: duration
      .default('5s')
      .describe('Longest an answer may take under a fault (fail fast, never hang).'),
    recovery: duration
      .default('10s')
      .describe('Once the faults are cleared, the flows must pass again within this long.'),
  })
  .describe('Runs flows through the fault proxy under each scenario and judges failing fast and recovering.');

type Options = z.output<typeof options>;
type Scenario = Options['scenarios'][number];

/** Resilience: under injected faults the API fails fast with a documented 5xx (+Retry-After) and recovers. */
export const resilience = {
  kind: 'resilience',
  description:
    'Runs flows through the fault proxy under fault scenarios: the API must fail fast with a documented error, never answer 2xx with a broken body, and recover once the fault is cleared.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  title: (o) => `resilience of ${o.flows.join(', ')} (${o.scenarios.length} scenario(s))`,
  async run(ctx, o, signal) {
    const env = ctx.environment;
    if (!env) throw new GangwayError('check.bad-option', 'resilience needs an environment');
    if (env.production) return skipped('faults are never injected in a production environment');
    for (const name of o.flows) {
      if (!ctx.flows[name])
        throw new GangwayError('check.bad-option', `flow "${name}" is not defined under flows:`);
    }
    if (o.scenarios.some((s) => s.at === 'dependency') && !o.dependency) {
      throw new GangwayError('check.bad-option', 'scenarios at: dependency need the dependency option');
    }
    const budget = parseDuration(o.budget);
    const front = await startProxy({
      upstream: env.baseUrl,
      seed: ctx.seed,
      redactor: ctx.redactor,
      ...(env.tls && { upstreamTls: env.tls }),
      ...(ctx.http.lookup && { lookup: ctx.http.lookup }),
    });
    let dependency: FaultProxy | undefined;
    // The environment's client (headers, auth, TLS, redaction) pointed at the front proxy, which adds
    // the base URL's path prefix itself.
    const http = ctx.http.derive({
      baseUrl: front.url,
      limits: { totalTimeoutMs: budget, headersTimeoutMs: budget, bodyTimeoutMs: budget },
    });
    // The front proxy is ours, on loopback: past the address guard; the proxy's upstream side is guarded.
    http.exemptOrigin(front.url);
    try {
      if (o.dependency) {
        dependency = await startProxy({
          upstream: o.dependency.upstream,
          host: o.dependency.host,
          port: o.dependency.port,
          seed: ctx.seed,
          ...(ctx.http.lookup && { lookup: ctx.http.lookup }),
        });
      }
      return await judge({ ...ctx, http }, o, budget, front, dependency, signal);
    } finally {
      await http.close();
      await front.close();
      await dependency?.close();
    }
  },
} satisfies CheckKind<typeof options>;

function skipped(reason: string): CheckReport {
  return { summary: `skipped: ${reason}`, findings: [], skipped: reason };
}

interface FlowsRun {
  passed: boolean;
  exchanges: Exchange[];
  findings: Finding[];
}

async function runFlows(ctx: CheckContext, names: readonly string[], signal: AbortSignal): Promise<FlowsRun> {
  const out: FlowsRun = { passed: true, exchanges: [], findings: [] };
  for (const name of names) {
    const report = await flow.run(ctx, { flow: name, repeat: 1, thresholds: undefined }, signal);
    out.exchanges.push(...(report.exchanges ?? []));
    out.findings.push(...report.findings);
    if (report.findings.some((f) => f.severity === 'error')) out.passed = false;
  }
  return out;
}

async function judge(
  ctx: CheckContext,
  o: Options,
  budget: number,
  front: FaultProxy,
  dependency: FaultProxy | undefined,
  signal: AbortSignal,
): Promise<CheckReport> {
  const evidence = new Evidence(100);
  const baseline = await runFlows(ctx, o.flows, signal);
  if (!baseline.passed) {
    const first = baseline.findings.find((f) => f.severity === 'error');
    evidence.add({
      code: 'resilience.baseline-failed',
      severity: 'error',
      message: `the flows fail without any fault (${first?.message ?? 'see the flow findings'}): nothing to judge`,
      hint: 'Make the flows pass against this environment first (run the flow check), then judge resilience.',
    });
    return {
      summary: 'the flows fail without faults',
      findings: evidence.findings,
      exchanges: baseline.exchanges,
    };
  }
  const recoveryLimit = parseDuration(o.recovery);
  let slowest = 0;
  let slowestRecovery = 0;
  for (const [index, scenario] of o.scenarios.entries()) {
    const label = scenario.name ?? `${scenario.at} ${scenario.faults.map((f) => f.type).join('+')}`;
    ctx.progress(`scenario ${label}`, index, o.scenarios.length);
    const proxy = scenario.at === 'dependency' ? dependency! : front;
    proxy.clearFaults();
    front.clearObservations();
    proxy.addFault(scenario.faults.map((f, i) => ({ ...f, id: f.id ?? `s${index + 1}-${i + 1}` })));
    const run = await runFlows(ctx, o.flows, signal);
    const injected = injectedByFront(front.observations());
    for (const exchange of run.exchanges) {
      slowest = Math.max(slowest, exchange.timings.total);
      for (const f of judgeExchange(ctx, exchange, label, budget, injected.has(exchange.traceId))) {
        evidence.add(f, exchange);
      }
    }
    proxy.clearFaults();
    const recovered = await recover(ctx, o.flows, recoveryLimit, signal);
    if (recovered === undefined) {
      evidence.add({
        code: 'resilience.no-recovery',
        severity: 'error',
        message: `after "${label}" was cleared, the flows still failed ${o.recovery} later`,
        expected: `the flows pass within ${o.recovery}`,
        actual: 'still failing',
        hint: 'Reset circuit breakers and connection pools once the dependency is back; do not cache failures.',
      });
    } else {
      slowestRecovery = Math.max(slowestRecovery, recovered);
    }
  }
  const errors = evidence.findings.filter((f) => f.severity === 'error').length;
  return {
    summary: `${o.scenarios.length} scenario(s) × ${o.flows.length} flow(s): ${errors === 0 ? 'failed fast and recovered' : `${errors} finding(s)`}`,
    findings: evidence.findings,
    exchanges: evidence.exchanges,
    measurements: {
      scenarios: o.scenarios.length,
      slowestMs: Math.round(slowest),
      recoveryMs: slowestRecovery,
    },
  };
}

/** Trace ids of the exchanges whose failure the front proxy caused itself: not the API's doing. */
function injectedByFront(observations: readonly ObservedExchange[]): Set<string> {
  const out = new Set<string>();
  for (const o of observations) {
    const id = o.headers['x-correlation-id'];
    if (o.fault && id) out.add(id);
  }
  return out;
}

/** Runs the flows until they pass; the milliseconds it took, or undefined past the limit. */
async function recover(
  ctx: CheckContext,
  names: readonly string[],
  limitMs: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if ((await runFlows(ctx, names, signal)).passed) return Date.now() - started;
    if (Date.now() - started >= limitMs || signal.aborted) return undefined;
    await new Promise((r) => setTimeout(r, Math.min(250, limitMs / 10)));
  }
}

/** Findings about one exchange made under a fault. */
function judgeExchange(
  ctx: CheckContext,
  exchange: Exchange,
  scenario: string,
  budget: number,
  ours: boolean,
): Finding[] {
  const op = exchange.operation ?? `${exchange.request.method} ${exchange.request.url}`;
  const where = { operation: op };
  if (ours) return [];
  if (exchange.error?.code === 'http.timeout') {
    return [
      {
        code: 'resilience.hang',
        severity: 'error',
        ...where,
        message: `${op} gave no answer within ${budget} ms under "${scenario}"`,
        expected: `an answer (a 503 with Retry-After) within ${budget} ms`,
        actual: 'no answer',
        hint: 'Put a timeout on every call to a dependency and answer 503 with Retry-After when it expires; a client cannot tell a hang from a dead server.',
      },
    ];
  }
  const res = exchange.response;
  if (!res) return [];
  const findings: Finding[] = [];
  const spec = ctx.spec;
  const operation = exchange.operation ? spec?.operation(exchange.operation) : undefined;
  if (res.status >= 200 && res.status < 300) {
    const type = res.headers['content-type'] ?? '';
    let broken: string | undefined;
    if (isJsonMedia(type) && !res.bodyTruncated) {
      try {
        JSON.parse(res.body ?? '');
      } catch {
        broken = 'a body that is not JSON';
      }
    }
    if (!broken && operation && spec && !res.bodyTruncated) {
      const issues = spec.validateResponse(operation, {
        status: res.status,
        headers: res.headers,
        body: res.body ?? '',
      });
      const issue = issues[0];
      if (issue) broken = `a body against the spec at ${issue.pointer || '/'}: ${issue.message}`;
    }
    if (broken) {
      findings.push({
        code: 'resilience.broken-success',
        severity: 'error',
        ...where,
        message: `${op} answered ${res.status} with ${broken} under "${scenario}"`,
        expected: 'a complete, valid body, or an error status',
        actual: `${res.status} with ${broken}`,
        hint: 'When a dependency fails, answer an error (503) instead of a success built from missing data.',
      });
    }
    return findings;
  }
  if (
    res.status >= 500 &&
    operation &&
    !operation.responses.some((r) => statusCovers(r.status, res.status))
  ) {
    findings.push({
      code: 'resilience.undocumented-error',
      severity: 'warning',
      ...where,
      message: `${op} answered ${res.status} under "${scenario}", a status its spec does not document`,
      actual: String(res.status),
      hint: 'Document the error statuses clients will see when a dependency fails (503, 504) with their body.',
    });
  }
  if ((res.status === 503 || res.status === 429) && res.headers['retry-after'] === undefined) {
    findings.push({
      code: 'resilience.retry-after-missing',
      severity: 'warning',
      ...where,
      message: `${op} answered ${res.status} without Retry-After under "${scenario}"`,
      expected: 'a Retry-After header',
      actual: 'none',
      hint: 'Send Retry-After with 503 and 429 so clients back off for the right time instead of guessing.',
    });
  }
  if (res.status === 500) {
    findings.push({
      code: 'resilience.unhandled-error',
      severity: 'warning',
      ...where,
      message: `${op} answered 500 under "${scenario}": the failure looks unhandled`,
      hint: 'Catch dependency failures and answer 503 (or 502/504) with Retry-After: a 500 tells clients nothing.',
    });
  }
  return findings;
}

function statusCovers(documented: string, status: number): boolean {
  if (documented === 'default') return true;
  if (/^\dXX$/i.test(documented)) return documented[0] === String(status)[0];
  return documented === String(status);
}

export type { Scenario as ResilienceScenario };
