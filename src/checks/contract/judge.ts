import type { Finding } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';

export interface JudgeContext {
  /** Whether Gangway sends credentials (configured auth or an Authorization-like header). */
  hasCredentials: boolean;
}

/**
 * Findings about the status of a response to a valid request, beyond what the spec validation says:
 * server errors, refused credentials, and valid requests rejected as invalid.
 */
export function judgeStatus(op: Operation, res: HttpResponse, ctx: JudgeContext): Finding[] {
  if (res.status < 400) return [];
  // Built only for a finding: a curl line costs a redacted exchange, and most responses earn none.
  const base = { operation: op.id, pointer: 'status', actual: String(res.status), curl: res.curl };
  if (res.status >= 500) {
    return [
      {
        ...base,
        code: 'response.server-error',
        severity: 'error',
        message: `${op.id} answered ${res.status} to a valid request`,
        expected: 'a non-5xx status',
        hint: 'A valid request must never cause a server error; check the server logs for this correlation id.',
      },
    ];
  }
  if ((res.status === 401 || res.status === 403) && op.security.length > 0 && ctx.hasCredentials) {
    return [
      {
        ...base,
        code: 'auth.credentials-refused',
        severity: 'error',
        message: `${op.id} refused the configured credentials with ${res.status}`,
        expected: 'the request accepted with the configured credentials',
        hint: 'Check that the credentials are valid for this environment and carry the scopes the operation needs.',
      },
    ];
  }
  if (res.status === 400 || res.status === 422) {
    const rule = documentedRule(op, res);
    if (rule !== undefined) {
      return [
        {
          ...base,
          code: 'request.business-rule',
          severity: 'info',
          message: `${op.id} refused a valid request with ${res.status} by a business rule its spec documents (${rule})`,
          expected: 'a 2xx status',
          hint: 'Not held against the API: the data broke a rule the spec states for this status (state or amounts the schemas cannot express).',
        },
      ];
    }
    return [
      {
        ...base,
        code: 'request.rejected',
        // Issue 3: a valid request (examples, defaults, or drawn from the schemas) refused as invalid is a finding.
        severity: 'error',
        message: `${op.id} refused a valid request (built from its spec) with ${res.status}`,
        expected: 'a 2xx status',
        hint: 'The request satisfies the spec. If the API enforces a rule the spec does not state, document it in the spec (constraints, enums, examples); otherwise accept valid input.',
      },
    ];
  }
  return [];
}

/** Error codes that say "the request is invalid": a refusal naming one of them is never a business rule. */
const VALIDATION = /valid|malformed|bad.?request|param|schema|format|required|missing|type|syntax|json/i;
const IDENTIFIER = /^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+$/i;

/**
 * The code a refusal gives (problem `type`'s last segment, `code`, `error`, `error.code`) when the
 * spec documents it for that status (in the response's description or examples) and it is not a
 * validation error: a business rule the spec states, such as refund_exceeds_remaining.
 */
function documentedRule(op: Operation, res: HttpResponse): string | undefined {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error !== null && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : {};
  const codes = [
    typeof b.type === 'string' ? b.type.split('/').pop() : undefined,
    b.code,
    b.error,
    nested.code,
  ].filter((c): c is string => typeof c === 'string' && IDENTIFIER.test(c) && !VALIDATION.test(c));
  const spec = op.responses.find((r) => r.status === String(res.status));
  if (!spec || codes.length === 0) return undefined;
  const text = `${spec.description ?? ''} ${JSON.stringify(Object.values(spec.content).map((m) => m.examples))}`;
  return codes.find((c) => new RegExp(`\\b${c.replace(/[.-]/g, '\\$&')}\\b`).test(text));
}
