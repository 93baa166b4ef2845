import type { z } from 'zod';
import { ApiError } from './errors.js';

export type RequestPart = 'path' | 'query' | 'body';

/** Parses one part of a request; a mismatch is a 400 naming each JSON pointer and what was expected. */
export function parsePart<S extends z.ZodType>(
  schema: S | undefined,
  part: RequestPart,
  value: unknown,
): z.output<S> {
  if (!schema) return (part === 'body' ? undefined : {}) as z.output<S>;
  const parsed = schema.safeParse(part === 'body' ? value : { ...(value as object) });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 20).map((issue) => ({
    in: part,
    pointer: pointerOf(issue.path),
    message: issue.message,
  }));
  const first = problems[0];
  const where = first ? `${part}${first.pointer || ''}` : part;
  throw new ApiError(
    400,
    'request.invalid',
    `invalid ${where}: ${first?.message ?? 'does not match the schema'}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    { problems },
  );
}

/** JSON pointer (RFC 6901) of a zod issue path. */
export function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
