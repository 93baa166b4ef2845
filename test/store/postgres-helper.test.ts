import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type PgServer, startPostgres } from '../support/postgres.js';

describe('test/support/postgres.ts', () => {
  let server: PgServer;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  test('starts a real PostgreSQL on 127.0.0.1 and creates separate databases', async () => {
    assert.equal(server.host, '127.0.0.1');
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    assert.notEqual(a, b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; version: string }>(
        'select current_database() as db, version() as version',
      );
      assert.match(rows[0]!.version, /^PostgreSQL \d+/);
      assert.equal(`${server.url(rows[0]!.db)}`, a);
    } finally {
      await client.end();
    }
  });

  test('stop removes the directory and the server refuses connections', async () => {
    const other = await startPostgres();
    const dir = other.socketDir;
    assert.ok(existsSync(dir));
    await other.stop();
    assert.equal(existsSync(dir), false);
    const client = new pg.Client({ connectionString: other.url(), connectionTimeoutMillis: 2000 });
    await assert.rejects(client.connect());
  });
});
