import { randomBytes } from 'node:crypto';
import type { Finding } from '../../core/result.js';
import type { HttpRequest, HttpResponse, ResolvedAuth } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';

/** A variation of an accepted request that a secured operation must refuse with 401 or 403. */
export interface AuthProbe {
  /** "no credentials" or "a wrong credential". */
  label: string;
  request(accepted: HttpRequest): HttpRequest;
}

const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey)$|token|secret|auth|key/i;

/** Names of the headers the spec declares as apiKey security schemes (X-Ship-Key...), lower case. */
export function declaredKeyHeaders(spec: Pick<ApiSpec, 'securitySchemes'> | undefined): string[] {
  return Object.values(spec?.securitySchemes ?? {})
    .filter((s) => s.type === 'apiKey' && s.in === 'header' && s.paramName)
    .map((s) => (s.paramName as string).toLowerCase());
}

/** Whether an extra header carries a credential: named like one, or declared by the spec as an API key. */
export function isCredentialHeader(name: string, declared: readonly string[] = []): boolean {
  return CREDENTIAL_HEADER.test(name) || declared.includes(name.toLowerCase());
}

/**
 * The probes for an environment: the accepted request sent without credentials, and with a made-up
 * credential of the same kind. Credentials given as extra headers (named like credentials, or in
 * `declared`, the spec's API key headers) are blanked or replaced.
 */
export function authProbes(
  auth: ResolvedAuth,
  headerNames: readonly string[],
  declared: readonly string[] = [],
): AuthProbe[] {
  const extra = headerNames.filter((h) => isCredentialHeader(h, declared));
  const blank = Object.fromEntries(extra.map((h) => [h, '']));
  const fake = `gangway-invalid-${randomBytes(8).toString('hex')}`;
  const wrong: Record<string, string> = Object.fromEntries(
    extra.map((h) => [h, /^authorization$/i.test(h) ? `Bearer ${fake}` : fake]),
  );
  let query: Record<string, string> = {};
  switch (auth.type) {
    case 'bearer':
    case 'oauth2-client-credentials':
      wrong.authorization = `Bearer ${fake}`;
      break;
    case 'basic':
      wrong.authorization = `Basic ${Buffer.from(`gangway:${fake}`).toString('base64')}`;
      break;
    case 'api-key':
      if (auth.in === 'header') wrong[auth.name] = fake;
      else if (auth.in === 'query') query = { [auth.name]: fake };
      else wrong.cookie = `${auth.name}=${fake}`;
      break;
    case 'none':
      break;
  }
  if (auth.type === 'none' && extra.length === 0) return [];
  return [
    { label: 'no credentials', request: (r) => ({ ...r, auth: false, headers: { ...r.headers, ...blank } }) },
    {
      label: 'a wrong credential',
      request: (r) => ({
        ...r,
        auth: false,
        headers: { ...r.headers, ...blank, ...wrong },
        query: { ...r.query, ...query },
      }),
    },
  ];
}

/**
 * Statuses decided after authentication: a conflict, a failed precondition, a semantic validation.
 * (400 may come from a gateway before auth, so it stays a warning.)
 */
const PAST_AUTH = new Set([409, 412, 422]);

/** What a probe's answer says about enforcement: nothing when refused with 401/403. */
export function judgeProbe(op: Operation, probe: AuthProbe, res: HttpResponse): Finding | undefined {
  if (res.status === 401 || res.status === 403) return undefined;
  const base = {
    operation: op.id,
    pointer: 'status',
    expected: `401 or 403 for a request with ${probe.label}`,
    actual: String(res.status),
    curl: res.curl,
  };
  if (res.status < 400) {
    return {
      ...base,
      code: 'auth.not-enforced',
      severity: 'error',
      message: `${op.id} accepted a request with ${probe.label} (${res.status})`,
      hint: 'Require valid credentials on every secured operation, as the spec declares.',
    };
  }
  if (PAST_AUTH.has(res.status)) {
    return {
      ...base,
      code: 'auth.not-enforced',
      severity: 'error',
      message: `${op.id} answered ${res.status} to a request with ${probe.label}: a ${res.status} judges the request's state or data, so the request got past authentication`,
      hint: 'Check credentials before anything else and refuse missing or wrong ones with 401 (or 403).',
    };
  }
  if (res.status >= 500) {
    return {
      ...base,
      code: 'auth.server-error',
      severity: 'error',
      message: `${op.id} answered ${res.status} to a request with ${probe.label}`,
      hint: 'Missing or wrong credentials must be refused cleanly, never crash the server.',
    };
  }
  return {
    ...base,
    code: 'auth.unexpected-status',
    severity: 'warning',
    message: `${op.id} answered ${res.status} to a request with ${probe.label}`,
    hint: 'Check credentials before anything else, and answer 401 (missing or wrong) or 403 (not allowed).',
  };
}
