import type { Finding } from '../../core/result.js';
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
