// The operations tables (migration 0003) on both databases: a temp SQLite file and a real PostgreSQL.
import { describe } from 'node:test';
import { postgresBackend, sqliteBackend } from './backends.js';
import { opsSuite } from './ops-cases.js';

describe('operations store on SQLite', () => opsSuite(async () => sqliteBackend()));
describe('operations store on PostgreSQL', () => opsSuite(postgresBackend));
