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
    return [
      {
        ...base,
        code: 'request.rejected',
        severity: 'info',
        message: `${op.id} rejected a request generated from its spec with ${res.status}`,
        expected: 'a 2xx status',
        hint: 'Either the spec does not describe every constraint the API enforces, or a business rule refused the data; add examples to the spec.',
      },
    ];
  }
  return [];
}
