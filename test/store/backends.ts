// The two backends the one store suite runs against: a SQLite file in a temp dir, and a real PostgreSQL.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';
import { type PgServer, startPostgres } from '../support/postgres.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database: the options to open it (more than once, from several stores or processes). */
  fresh(): Promise<StoreOptions>;
  /** Every byte the database holds that we can read: the SQLite files, or every row of every table as text. */
  dump(store: Store, options: StoreOptions): Promise<string>;
  /** Releases the backend (stops the PostgreSQL server, removes temp dirs). */
  close(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'gw-store-'));
      dirs.push(dataDir);
      return { dataDir };
    },
    async dump(_store, options) {
      // The WAL file holds the latest commits until a checkpoint: read it as well as the main file.
      const dir = options.dataDir!;
      return readdirSync(dir)
        .filter((f) => f.startsWith('gangway.db'))
        .map((f) => readFileSync(join(dir, f)).toString('latin1'))
        .join('\n');
    },
    async close() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresBackend(): Promise<Backend> {
  const server: PgServer = await startPostgres();
  const dirs: string[] = [];
  return {
    name: 'postgres',
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'gw-store-pg-'));
      dirs.push(dataDir);
      return { url: await server.createDatabase(), dataDir };
    },
    async dump(store) {
      // A pg_dump-like read: every row of every table of the public schema, as PostgreSQL's text form.
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
      `.execute(store.db);
      const parts: string[] = [];
      for (const { table_name } of tables.rows) {
        const rows = await sql<{ t: string }>`select t::text as t from ${sql.table(table_name)} t`.execute(
          store.db,
        );
        parts.push(table_name, ...rows.rows.map((r) => r.t));
      }
      return parts.join('\n');
    },
    async close() {
      await server.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a store on fresh options with an optional clock. */
export async function open(
  backend: Backend,
  extra: Partial<StoreOptions> = {},
): Promise<{ store: Store; options: StoreOptions }> {
  const options = { ...(await backend.fresh()), ...extra };
  return { store: await openStore(options), options };
}
