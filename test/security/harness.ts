// Runs the security check against the fixture API the way the runner would: a context per environment.
import { join } from 'node:path';
import type { z } from 'zod';
import type { CheckContext, OtherEnvironment, TargetEnvironment } from '../../src/checks/kind.js';
import { security } from '../../src/checks/security.js';
import type { CheckReport } from '../../src/core/result.js';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import type { ResolvedTls } from '../../src/http/types.js';
import { loadSpec } from '../../src/openapi/index.js';
import type { ApiSpec } from '../../src/openapi/types.js';
import { TOKENS } from './api.js';

export const SPEC_FILE = join(import.meta.dirname, 'api.yaml');

let cached: ApiSpec | undefined;
export async function fixtureSpec(): Promise<ApiSpec> {
  cached ??= await loadSpec(SPEC_FILE);
  return cached;
}

const TOKEN_OF: Record<string, string> = {
  sandbox: TOKENS.a,
  'partner-b': TOKENS.b,
  'sandbox-revoked': TOKENS.revoked,
};

function environment(name: string, baseUrl: string, tls: ResolvedTls | undefined): TargetEnvironment {
  return {
    name,
    baseUrl,
    production: false,
    auth: { type: 'bearer', token: TOKEN_OF[name]! },
    ...(tls && { tls }),
    variables: {},
    headerNames: [],
  };
}

export interface Ran {
  report: CheckReport;
  redactor: Redactor;
}

/** Runs the check with the options (parsed by its schema) against the API at baseUrl. */
export async function runSecurity(
  baseUrl: string,
  input: z.input<typeof security.options>,
  tls?: ResolvedTls,
): Promise<Ran> {
  const redactor = new Redactor({});
  const clients: HttpClient[] = [];
  const client = (env: TargetEnvironment) => {
    const auth = env.auth;
    if (auth.type === 'bearer') redactor.addSecret(auth.token);
    const http = new HttpClient({
      baseUrl: env.baseUrl,
      auth,
      ...(tls && { tls }),
      redactor,
      limits: { maxRedirects: 0 },
    });
    clients.push(http);
    return http;
  };
  const env = environment('sandbox', baseUrl, tls);
  const ctx: CheckContext = {
    checkId: 'security',
    environment: env,
    spec: await fixtureSpec(),
    http: client(env),
    redactor,
    otherEnvironment: async (name: string): Promise<OtherEnvironment> => {
      const other = environment(name, baseUrl, tls);
      return { environment: other, http: client(other) };
    },
    flows: {},
    seed: 1,
    baseDir: import.meta.dirname,
    progress: () => {},
    now: () => new Date(),
  };
  try {
    const options = security.options.parse(input);
    const report = await security.run(ctx, options, AbortSignal.timeout(30_000));
    return { report, redactor };
  } finally {
    for (const c of clients) await c.close();
  }
}

/** The codes of error findings, sorted and unique. */
export function errorCodes(report: CheckReport): string[] {
  return [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.code))].sort();
}
