import { describe } from 'node:test';
import { postgresBackend } from './backends.js';
import { storeSuite } from './cases.js';

describe('store on PostgreSQL', () => storeSuite(postgresBackend));
