import { InputError } from '../core/errors.js';

/** One page of a listing; pass `nextCursor` back as `cursor` for the next page (absent on the last). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Listings page by (created_at, id) descending: the cursor is the last pair seen. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

/** Reads a cursor made by encodeCursor; a malformed one is the caller's mistake. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return [value[0] as string, value[1] as string];
    }
  } catch {
    // fall through
  }
  throw new InputError('page.cursor', 'the cursor is not one this server gave out');
}

/** Clamps a requested page size to 1..500 (default 50). */
export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? 50), 1), 500);
}
