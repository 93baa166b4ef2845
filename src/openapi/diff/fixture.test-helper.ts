// Builders for the differ's tests: minimal OpenAPI documents written to a temp dir and loaded for real.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '../load.js';
import type { ApiSpec } from '../types.js';
import { diffSpecs } from './diff.js';
import type { DiffResult } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'gangway-diff-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

export type Doc = Record<string, unknown>;

/** Writes a document to a temp file and loads it with the real loader. */
export async function load(doc: Doc): Promise<ApiSpec> {
  counter += 1;
  const file = join(dir, `spec-${counter}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return loadSpec(file);
}

export async function diffDocs(before: Doc, after: Doc): Promise<DiffResult> {
  return diffSpecs(await load(before), await load(after));
}

/** An OpenAPI 3.0 document. */
export const api = (paths: Record<string, unknown>, extra: Doc = {}): Doc => ({
  openapi: '3.0.3',
  info: { title: 'test', version: '1.0.0' },
  paths,
  ...extra,
});

/** An operation answering 200 without a body, plus extra fields. */
export const op = (extra: Doc = {}): Doc => ({ responses: { '200': { description: 'ok' } }, ...extra });

/** GET /a with these parameters. */
export const withParams = (...parameters: Doc[]): Doc => api({ '/a': { get: op({ parameters }) } });

/** POST /a taking a JSON body of this schema. */
export const withBody = (schema: unknown, required = true, media = 'application/json'): Doc =>
  api({ '/a': { post: op({ requestBody: { required, content: { [media]: { schema } } } }) } });

/** GET /a answering 200 with a JSON body of this schema. */
export const withResponse = (schema: unknown, extra: Doc = {}, media = 'application/json'): Doc =>
  api({
    '/a': {
      get: { responses: { '200': { description: 'ok', content: { [media]: { schema } }, ...extra } } },
    },
  });

export const q = (name: string, schema: Doc = { type: 'string' }, extra: Doc = {}): Doc => ({
  name,
  in: 'query',
  schema,
  ...extra,
});

export const obj = (properties: Record<string, unknown>, required: string[] = [], extra: Doc = {}): Doc => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...extra,
});
