import type { Finding } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';

/** Coverage note: an operation not called (or not really exercised), and why. */
export function notReached(op: Operation, reason: string): Finding {
  return {
    code: 'coverage.not-reached',
    severity: 'info',
    message: `${op.id} was not called: ${reason}`,
    operation: op.id,
  };
}

/** Secured operations refused us because no credentials were given: untested, never a quiet pass. */
export function untestedWithoutCredentials(operations: readonly string[]): Finding {
  const shown =
    operations.slice(0, 5).join(', ') + (operations.length > 5 ? `, and ${operations.length - 5} more` : '');
  return {
    code: 'auth.no-credentials',
    severity: 'error',
    message: `${operations.length} secured operation(s) refused the request because no credentials were given, so their behaviour was not tested: ${shown}`,
    operation: operations[0]!,
    pointer: 'status',
    expected: 'responses to authenticated requests',
    actual: '401/403',
    hint: 'Configure auth for the environment (or pass --header "Authorization: ..."), or limit the run to public operations with --operation.',
  };
}

/** Every request answered 404: almost always a base URL without the API's base path, not a broken API. */
export function everythingNotFound(baseUrl: string | undefined, spec: ApiSpec): Finding {
  const servers =
    spec.servers.length > 0 ? ` (the spec's servers: ${spec.servers.slice(0, 3).join(', ')})` : '';
  return {
    code: 'coverage.all-not-found',
    severity: 'error',
    message: `every request answered 404, so nothing was really tested: is ${baseUrl ?? 'the base URL'} missing the API's base path${servers}?`,
    pointer: 'status',
    expected: 'some operation answering other than 404',
    actual: '404 everywhere',
    hint: 'Point the base URL at the API root, including any base path such as /v1.',
  };
}

/** What the answer to a request breaking one constraint says: nothing when it is a 4xx. */
export function judgeNegative(
  op: Operation,
  what: string,
  where: string,
  res: HttpResponse,
): Finding | undefined {
  if (res.status >= 400 && res.status < 500) return undefined;
  const base = {
    operation: op.id,
    pointer: where,
    expected: `4xx for a request with ${what}`,
    actual: String(res.status),
    curl: res.curl,
  };
  if (res.status >= 500) {
    return {
      ...base,
      code: 'negative.server-error',
      severity: 'error',
      message: `${op.id} answered ${res.status} to a request with ${what}`,
      hint: 'Validate input and answer 400 or 422 with a problem description; invalid input must never crash the server.',
    };
  }
  return {
    ...base,
    code: 'negative.accepted',
    severity: 'error',
    message: `${op.id} accepted a request with ${what} (${res.status})`,
    hint: 'Enforce the constraint the spec documents, or relax the spec if the API is right to accept it.',
  };
}

/** A resource a successful delete removed was still there when read again. */
export function stillPresent(deleter: Operation, read: Operation, res: HttpResponse): Finding {
  return {
    code: 'stateful.deleted-still-present',
    severity: 'error',
    message: `${read.id} answered ${res.status} for a resource ${deleter.id} had just deleted`,
    operation: read.id,
    pointer: 'status',
    expected: '404 or 410 after the delete',
    actual: String(res.status),
    hint: 'A successful delete must make the resource unreachable (or document soft deletion and its status).',
    curl: res.curl,
  };
}

/** A documented link of a response led to nothing (404 or 410). */
export function brokenLink(
  op: Operation,
  link: { name: string; target: Operation; values: Record<string, unknown> },
  answer: HttpResponse,
): Finding {
  return {
    code: 'stateful.link-broken',
    severity: 'error',
    message: `following link ${link.name} of ${op.id} to ${link.target.id} answered ${answer.status}`,
    operation: link.target.id,
    pointer: 'status',
    expected: `the resource ${op.id} pointed to (${JSON.stringify(link.values)})`,
    actual: String(answer.status),
    hint: 'A link must lead to something that exists: check the values the response gives for it.',
    curl: answer.curl,
  };
}
