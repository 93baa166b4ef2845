import { GangwayError, InputError } from '../core/errors.js';

/** An answer other than success, with a stable code: { error: { code, message, details? } }. */
export class ApiError extends GangwayError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(code, message);
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError(404, `${what}.not-found`, `${what} ${id} not found`);

export const forbidden = (message: string) => new ApiError(403, 'auth.forbidden', message);

const CONFLICTS = new Set([
  'onboarding.stage-conflict',
  'run.finished',
  'run.not-owner',
  'run.not-running',
  'signoff.evidence-changed',
  'partner.exists',
  'incident.invalid-transition',
  'incident.conflict',
]);

/** The HTTP status for an error a handler let escape; undefined for bugs (500). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof ApiError) return error.status;
  if (error instanceof InputError) {
    if (error.code.endsWith('.not-found')) return 404;
    if (CONFLICTS.has(error.code)) return 409;
    return 400;
  }
  return undefined;
}

/** The JSON body of an error answer. Internal errors say nothing about their cause (it goes to the log). */
export function errorBody(
  error: unknown,
  status: number,
): { error: { code: string; message: string; details?: unknown } } {
  if (error instanceof ApiError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined && { details: error.details }),
      },
    };
  }
  if (error instanceof GangwayError && status < 500) {
    return { error: { code: error.code, message: error.message } };
  }
  return { error: { code: 'internal', message: 'internal error; the server log has the details' } };
}
