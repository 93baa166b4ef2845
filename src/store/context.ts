import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from './dialect.js';
import type { Database } from './schema.js';

/** What every repository gets: the database, the clock and the dialect name. */
export interface StoreContext {
  db: Kysely<Database>;
  now: () => Date;
  dialect: DialectName;
}

/** Who performs a write; recorded in the audit event. */
export interface Actor {
  actor: string;
}

/** A random id with a readable prefix, e.g. run_3q2x... (96 bits, base64url). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** Parses a JSON text column, falling back when a row holds something else. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
