import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { GangwayError } from '../core/errors.js';
import type { Connection } from './dialect.js';
import { initial } from './migrations/0001-initial.js';
import { runEvents } from './migrations/0002-run-events.js';
import { operations } from './migrations/0003-operations.js';
import { monitoring } from './migrations/0004-monitoring.js';

/** Every migration, in order. Listed here (not read from a folder) so it works from src and from dist alike. */
function migrations(blobType: Connection['blobType']): Record<string, Migration> {
  return {
    '0001-initial': initial(blobType),
    '0002-run-events': runEvents(),
    '0003-operations': operations(),
    '0004-monitoring': monitoring(),
  };
}

/** Brings the schema up to date; a no-op when it already is. Returns the names of the migrations applied. */
export async function migrate(conn: Connection): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(conn.blobType) };
  return conn.withMigrationLock(async (db) => {
    const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
    if (error) {
      throw new GangwayError('store.migration', `store migration failed: ${errorText(error)}`, {
        cause: error,
      });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
