import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { cachingDatabase } from './statement-cache.js';

describe('cachingDatabase', () => {
  test('the same SQL text gets the same prepared statement; the least recently used leaves first', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = cachingDatabase(raw, 2);
    const a = db.prepare('select 1 as x');
    assert.equal(db.prepare('select 1 as x'), a);
    const b = db.prepare('select 2 as x');
    db.prepare('select 1 as x'); // a is now the most recent
    db.prepare('select 3 as x'); // evicts b
    assert.equal(db.prepare('select 1 as x'), a);
    assert.notEqual(db.prepare('select 2 as x'), b);
    db.close();
  });

  test('a statement still iterating is not handed out again', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = cachingDatabase(raw);
    raw.exec('create table t (v integer); insert into t values (1), (2)');
    const first = db.prepare('select v from t') as unknown as BetterSqlite3.Statement;
    const rows = first.iterate();
    rows.next();
    const second = db.prepare('select v from t') as unknown as BetterSqlite3.Statement;
    assert.notEqual(second, first);
    assert.deepEqual(second.all(), [{ v: 1 }, { v: 2 }]);
    rows.return?.();
    assert.equal(db.prepare('select v from t'), first);
    db.close();
  });
});
