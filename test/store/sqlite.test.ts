import { describe } from 'node:test';
import { sqliteBackend } from './backends.js';
import { storeSuite } from './cases.js';

describe('store on SQLite', () => storeSuite(async () => sqliteBackend()));
