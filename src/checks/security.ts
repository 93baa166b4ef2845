import { z } from 'zod';
import type { CheckReport, Finding } from '../core/result.js';
import { Evidence } from './evidence.js';
import type { CheckContext, CheckKind, TargetEnvironment } from './kind.js';
import { probeAuth } from './security/auth.js';
import { Holdings, runBaseline } from './security/baseline.js';
import { probeCors } from './security/cors.js';
import { judgeHeaders } from './security/headers.js';
import { probeRateLimit } from './security/rate-limit.js';
import { SecuritySession } from './security/session.js';
import { runOwaspRuleset, staticFindings } from './security/static.js';
import { probeTenancy } from './security/tenancy.js';
import { probeTls } from './security/tls.js';
import { probeVerboseErrors } from './security/verbose-errors.js';

export const SECURITY_PROBES = [
  'auth',
  'tenancy',
  'tls',
  'headers',
  'sensitive',
  'errors',
  'cors',
  'rate-limit',
  'static',
] as const;

type Probe = (typeof SECURITY_PROBES)[number];

const rateLimit = z
  .strictObject({
    requests: z.number().int().min(1).max(1000).default(60).describe('Requests in the burst.'),
    concurrency: z.number().int().min(1).max(100).default(10).describe('Requests in flight at once.'),
    operation: z
      .string()
      .min(1)
      .optional()
      .describe('The cheap safe operation to burst (default: the first parameterless GET that succeeds).'),
    allowProduction: z
      .boolean()
      .default(false)
      .describe('Also burst a production environment (off by default: a burst is load).'),
  })
  .default({ requests: 60, concurrency: 10, allowProduction: false });

const options = z
  .strictObject({
    probes: z
      .array(z.enum(SECURITY_PROBES))
      .min(1)
      .optional()
      .describe(
        'Probe families to run (default: every one that applies): auth, tenancy (needs otherPartner), tls (https only), headers, sensitive, errors, cors, rate-limit (not production unless allowed), static (Spectral OWASP ruleset).',
      ),
    revoked: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Environments of the playbook whose credentials are expired or revoked (same API): requests with them must be refused.',
      )
      .meta({ examples: [['sandbox-revoked']] }),
    otherPartner: z
      .string()
      .min(1)
      .optional()
      .describe(
        "An environment of the playbook with another partner's credentials on the same API: it must not read (or, with unsafe, change) this environment's resources.",
      ),
    unsafe: z
      .boolean()
      .default(false)
      .describe(
        "Also try PUT/PATCH/DELETE on one partner's resources with the other's credentials (never in production).",
      ),
    maxOperations: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(30)
      .describe('Most operations the baseline calls, and most cases per probe family.'),
    rateLimit: rateLimit.describe('The burst the rate-limit probe sends.'),
    static: z
      .enum(['off', 'warn', 'enforce'])
      .default('warn')
      .describe(
        "Spectral's OWASP ruleset on the spec: off, warn (its results are warnings and notes), enforce (its errors are errors).",
      ),
  })
  .default({
    revoked: [],
    unsafe: false,
    maxOperations: 30,
    rateLimit: { requests: 60, concurrency: 10, allowProduction: false },
    static: 'warn',
  });

type Options = z.output<typeof options>;

/** Authentication, tenancy, transport, headers, leaks, verbose errors, CORS and rate limiting, plus Spectral's OWASP rules. */
export const security = {
  kind: 'security',
  description:
    "Probes the API's security: credentials refused when missing, wrong, malformed, forged or revoked; no cross-tenant access; no legacy TLS or weak suites; HSTS and security headers; no card numbers, secrets, stack traces or internal names in responses; no credentialed CORS for any origin; rate limiting; and Spectral's OWASP ruleset on the spec.",
  options,
  needsEnvironment: false,
  needsSpec: true,
  title: (o) => (o.probes ? `security (${o.probes.join(', ')})` : 'security'),
  async run(ctx, o, signal) {
    const env = ctx.environment;
    const { run, notes } = selectProbes(o, env);
    const findings: Finding[] = notes.map(notApplicable);
    const measurements: Record<string, number> = {};
    const evidence = new Evidence(150);
    if (run.has('static')) {
      const started = performance.now();
      ctx.progress('Spectral OWASP ruleset');
      const { results, failedRules } = await runOwaspRuleset(ctx.spec!);
      measurements['static.ms'] = Math.round(performance.now() - started);
      measurements['static.results'] = results.length;
      findings.push(...staticFindings(results, ctx.spec!, o.static === 'off' ? 'warn' : o.static));
      for (const rule of failedRules) findings.push(ruleFailed(rule));
    }
    if (env && [...run].some((p) => p !== 'static')) {
      const session = await dynamic(ctx, env, o, run, signal, measurements);
      findings.push(...session.findings);
      evidence.exchanges.push(...session.exchanges);
    }
    return report(findings, measurements, evidence, run);
  },
} satisfies CheckKind<typeof options>;

/** Runs the probes that talk to the environment, in an order where each feeds the next. */
async function dynamic(
  ctx: CheckContext,
  env: TargetEnvironment,
  o: Options,
  run: Set<Probe>,
  signal: AbortSignal,
  measurements: Record<string, number>,
): Promise<Evidence> {
  const session = new SecuritySession(ctx, ctx.spec!, env, signal, { maxOperations: o.maxOperations });
  session.scanning = run.has('sensitive');
  if (run.has('tls')) {
    ctx.progress('TLS protocols and suites');
    const tls = await probeTls(env.baseUrl, env.tls, signal, ctx.http.lookup);
    for (const f of tls.findings) session.add(f);
    measurements['tls.untested'] = tls.untested.length;
  }
  const mine = new Holdings();
  await runBaseline(session, mine, !env.production);
  measurements.operations = session.baseline.length;
  if (run.has('headers')) judgeHeaders(session);
  if (run.has('auth')) await probeAuth(session, o.revoked);
  if (run.has('tenancy') && o.otherPartner) await probeTenancy(session, mine, o.otherPartner, o.unsafe);
  if (run.has('errors')) await probeVerboseErrors(session);
  if (run.has('cors')) await probeCors(session);
  if (run.has('rate-limit')) {
    const burst = await probeRateLimit(session, o.rateLimit);
    measurements['rateLimit.sent'] = burst.sent;
    measurements['rateLimit.limited'] = burst.limited;
    measurements['rateLimit.ms'] = burst.ms;
  }
  measurements.requests = session.sent;
  return session.evidence;
}

/** The probes to run: those asked for, or every one that applies; and why asked-for ones cannot run. */
export function selectProbes(
  o: Options,
  env: TargetEnvironment | undefined,
): { run: Set<Probe>; notes: string[] } {
  const why = (p: Probe): string | undefined => {
    if (p === 'static') return o.static === 'off' ? 'static is off' : undefined;
    if (!env) return 'the stage names no environment';
    if (p === 'tls' && !env.baseUrl.toLowerCase().startsWith('https:')) return `${env.baseUrl} is not HTTPS`;
    if (p === 'tenancy' && !o.otherPartner) return 'no otherPartner environment is named';
    if (p === 'auth' && env.auth.type === 'none' && env.headerNames.length === 0 && o.revoked.length === 0)
      return 'the environment has no credentials';
    if (p === 'rate-limit' && env.production && !o.rateLimit.allowProduction)
      return `environment "${env.name}" is production (set rateLimit.allowProduction)`;
    return undefined;
  };
  const asked = o.probes ?? SECURITY_PROBES;
  const run = new Set<Probe>();
  const notes: string[] = [];
  for (const p of asked) {
    const reason = why(p);
    if (reason === undefined) run.add(p);
    else if (o.probes) notes.push(`${p}: not run, ${reason}`);
  }
  return { run, notes };
}

function report(
  findings: Finding[],
  measurements: Record<string, number>,
  evidence: Evidence,
  run: Set<Probe>,
): CheckReport {
  if (run.size === 0) {
    const why = findings.map((f) => f.message).join('; ') || 'no probe applies';
    return { summary: why, findings, skipped: why };
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const probes = [...run].join(', ');
  return {
    summary:
      errors + warnings === 0
        ? `no security problem found (${probes})`
        : `${errors} error(s), ${warnings} warning(s) (${probes})`,
    findings,
    measurements,
    exchanges: evidence.exchanges,
  };
}

function notApplicable(message: string): Finding {
  return { code: 'security.not-applicable', severity: 'info', message };
}

function ruleFailed(rule: string): Finding {
  return {
    code: 'static.rule-failed',
    severity: 'info',
    message: `Spectral rule ${rule} crashed on this spec and was switched off (a known ruleset bug on unusual documents)`,
    expected: 'the rule evaluated',
    actual: 'switched off',
    hint: 'Nothing to fix in the API; the other rules ran.',
  };
}
