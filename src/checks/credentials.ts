import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.js';
import { errorMessage, GangwayError } from '../core/errors.js';

import type { HttpResponse } from '../http/types.js';
import type { Operation } from '../openapi/types.js';
import { durationSchema } from '../playbook/schema.js';
import { Evidence } from './evidence.js';
import { errorExchange, sendOrRecord } from './http-failure.js';
import type { CheckContext, CheckKind } from './kind.js';

const options = z
  .strictObject({
    operation: z
      .string()
      .optional()
      .describe(
        'A protected operation to call (default: the first secured GET without required parameters).',
      ),
    path: z.string().startsWith('/').optional().describe('A protected path to call when there is no spec.'),
    minTokenLifetime: durationSchema.default('5m').describe('Tokens must stay valid at least this long.'),
  })
  .default({ minTokenLifetime: '5m' });

/** Credentials are obtainable, accepted by a protected operation, enforced, and not about to expire. */
export const credentials = {
  kind: 'credentials',
  description:
    'Obtains a token (OAuth2) or uses the configured credential, checks a protected operation accepts it and refuses anonymous calls, and checks the expiry horizon.',
  options,
  needsEnvironment: true,
  needsSpec: false,
  title: (o) => `credentials${o.operation ? ` via ${o.operation}` : ''}`,
  async run(ctx, o, signal) {
    const auth = ctx.environment!.auth;
    if (auth.type === 'none') {
      return {
        summary: 'no credentials configured',
        findings: [],
        skipped: 'the environment configures no auth',
      };
    }
    const evidence = new Evidence(20);
    const measurements: Record<string, number> = {};
    const minLifetime = parseDuration(o.minTokenLifetime);

    let expiresAt: number | undefined;
    if (auth.type === 'oauth2-client-credentials') {
      ctx.progress('requesting a token');
      try {
        const token = await ctx.http.auth.getToken({ force: true, signal });
        expiresAt = token?.expiresAt.getTime();
      } catch (error) {
        if (signal.aborted || !(error instanceof GangwayError)) throw error;
        evidence.add(
          {
            code: 'credentials.token-refused',
            severity: 'error',
            message: `no token could be obtained from ${auth.tokenUrl}: ${errorMessage(error)}`,
            operation: auth.tokenUrl,
            expected: 'an access token',
            actual: error.code,
            hint: 'Check the client id and secret for this environment, and that the token endpoint is up.',
          },
          errorExchange(error),
        );
        return { summary: 'no token', findings: evidence.findings, exchanges: evidence.exchanges };
      }
    } else if (auth.type === 'bearer') {
      expiresAt = jwtExpiry(auth.token);
    }
    if (expiresAt !== undefined) {
      const left = expiresAt - ctx.now().getTime();
      measurements['credentials.tokenLifetimeS'] = Math.round(left / 1000);
      if (left < minLifetime) {
        evidence.add({
          code: left <= 0 ? 'credentials.expired' : 'credentials.expiring',
          severity: 'error',
          message: left <= 0 ? 'the token has expired' : `the token expires in ${formatDuration(left)}`,
          expected: `valid for ≥ ${o.minTokenLifetime}`,
          actual: left <= 0 ? 'expired' : formatDuration(left),
          hint: 'Rotate the credential, or issue tokens that live long enough for a run.',
        });
      }
    }

    const target = protectedTarget(ctx, o);
    if (!target) {
      return {
        summary: 'token obtained; no protected operation without parameters to try it on',
        findings: evidence.findings,
        measurements,
        exchanges: evidence.exchanges,
      };
    }
    ctx.progress(`calling ${target.label}`);
    const withAuth = await call(ctx, target, true, signal, evidence);
    if (withAuth && (withAuth.status === 401 || withAuth.status === 403)) {
      evidence.add(
        {
          code: 'credentials.rejected',
          severity: 'error',
          message: `${target.label} refused the configured credentials with ${withAuth.status}`,
          operation: target.label,
          pointer: 'status',
          expected: 'not 401/403',
          actual: String(withAuth.status),
          hint: 'The credential is not valid for this environment, or lacks a scope this operation needs.',
          curl: withAuth.curl,
        },
        withAuth.exchange,
      );
    }
    const anonymous = await call(ctx, target, false, signal, evidence);
    if (anonymous && anonymous.status < 400) {
      evidence.add(
        {
          code: 'credentials.not-enforced',
          severity: 'error',
          message: `${target.label} answered ${anonymous.status} without credentials`,
          operation: target.label,
          pointer: 'status',
          expected: '401 or 403',
          actual: String(anonymous.status),
          hint: 'Require authentication on every protected operation.',
          curl: anonymous.curl,
        },
        anonymous.exchange,
      );
    }
    const errors = evidence.findings.length;
    return {
      summary:
        errors === 0
          ? `credentials accepted by ${target.label}; anonymous call refused with ${anonymous?.status}`
          : `${errors} problem(s) with the credentials`,
      findings: evidence.findings,
      measurements,
      exchanges: evidence.exchanges,
    };
  },
} satisfies CheckKind<typeof options>;

interface Target {
  label: string;
  path: string;
}

function protectedTarget(ctx: CheckContext, o: z.output<typeof options>): Target | undefined {
  if (o.path) return { label: `GET ${o.path}`, path: o.path };
  const spec = ctx.spec;
  if (!spec) return undefined;
  let op: Operation | undefined;
  if (o.operation) {
    op = spec.operation(o.operation);
    if (!op) throw new GangwayError('check.bad-option', `operation "${o.operation}" is not in the spec`);
    if (op.parameters.some((p) => p.required && p.in === 'path')) {
      throw new GangwayError(
        'check.bad-option',
        `operation "${o.operation}" needs path parameters; pick one without`,
      );
    }
  } else {
    op = spec.operations.find(
      (candidate) =>
        candidate.method === 'GET' &&
        candidate.security.length > 0 &&
        !candidate.parameters.some((p) => p.required),
    );
  }
  return op ? { label: op.id, path: op.path } : undefined;
}

async function call(
  ctx: CheckContext,
  target: Target,
  auth: boolean,
  signal: AbortSignal,
  evidence: Evidence,
): Promise<HttpResponse | undefined> {
  const request = { method: 'GET', url: target.path, operation: target.label, auth };
  const res = await sendOrRecord(ctx.http, request, signal, evidence, (error) => ({
    code: 'credentials.unreachable',
    severity: 'error',
    message: `${target.label} could not be called: ${errorMessage(error)}`,
    operation: target.label,
    actual: error.code,
    hint: 'Check that the environment is up and reachable.',
  }));
  if (res) evidence.keep(res.exchange);
  return res;
}

/** The exp claim of a JWT in ms, if the token is a JWT; opaque tokens have no visible expiry. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
