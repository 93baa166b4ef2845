import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  api,
  type Doc,
  diffDocs,
  obj,
  op,
  q,
  withBody,
  withParams,
  withResponse,
} from './fixture.test-helper.js';
import { RULES, ruleOf } from './rules.js';

const S = { type: 'string' };
const I = { type: 'integer' };
const secured = (
  security: unknown[],
  schemes: Doc = { key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
): Doc => api({ '/a': { get: op({ security }) } }, { components: { securitySchemes: schemes } });
const header = (name: string, required: boolean): Doc => ({ name, in: 'header', required, schema: S });
const respHeaders = (headers: Doc): Doc =>
  api({ '/a': { get: { responses: { '200': { description: 'ok', headers } } } } });
const statuses = (...codes: string[]): Doc =>
  api({ '/a': { get: { responses: Object.fromEntries(codes.map((c) => [c, { description: c }])) } } });

/** Rules about any difference (A to B and B to A are both changes). */
const SYMMETRIC = new Set([
  'request.parameter.style-changed',
  'request.content-type.removed',
  'request.type-changed',
  'response.content-type.removed',
  'response.type-changed',
  'security.scheme-changed',
]);

/** One row per rule: the smallest pair of specs that triggers it. */
const ROWS: { code: string; before: Doc; after: Doc }[] = [
  {
    code: 'path.removed',
    before: api({ '/a': { get: op() }, '/b': { get: op() } }),
    after: api({ '/a': { get: op() } }),
  },
  {
    code: 'operation.removed',
    before: api({ '/a': { get: op(), post: op() } }),
    after: api({ '/a': { get: op() } }),
  },
  {
    code: 'operation.added',
    before: api({ '/a': { get: op() } }),
    after: api({ '/a': { get: op(), post: op() } }),
  },
  {
    code: 'operation.deprecated',
    before: api({ '/a': { get: op() } }),
    after: api({ '/a': { get: op({ deprecated: true }) } }),
  },
  {
    code: 'operation.sunset',
    before: api({ '/a': { get: op() } }),
    after: api({ '/a': { get: op({ deprecated: true, 'x-sunset': '2027-01-31' }) } }),
  },
  // parameters
  {
    code: 'request.parameter.required-added',
    before: withParams(),
    after: withParams(q('n', S, { required: true })),
  },
  { code: 'request.parameter.added', before: withParams(), after: withParams(q('n')) },
  { code: 'request.parameter.removed', before: withParams(q('n')), after: withParams() },
  {
    code: 'request.parameter.became-required',
    before: withParams(q('n')),
    after: withParams(q('n', S, { required: true })),
  },
  {
    code: 'request.parameter.became-optional',
    before: withParams(q('n', S, { required: true })),
    after: withParams(q('n')),
  },
  {
    code: 'request.parameter.location-changed',
    before: withParams(q('n')),
    after: withParams(header('n', false)),
  },
  {
    code: 'request.parameter.style-changed',
    before: withParams(q('n', { type: 'array', items: S })),
    after: withParams(q('n', { type: 'array', items: S }, { explode: false })),
  },
  {
    code: 'request.parameter.deprecated',
    before: withParams(q('n')),
    after: withParams(q('n', S, { deprecated: true })),
  },
  // request bodies
  { code: 'request.body.required-added', before: api({ '/a': { post: op() } }), after: withBody(obj({})) },
  { code: 'request.body.added', before: api({ '/a': { post: op() } }), after: withBody(obj({}), false) },
  { code: 'request.body.became-required', before: withBody(obj({}), false), after: withBody(obj({})) },
  { code: 'request.body.removed', before: withBody(obj({})), after: api({ '/a': { post: op() } }) },
  {
    code: 'request.content-type.removed',
    before: withBody(obj({})),
    after: withBody(obj({}), true, 'application/xml'),
  },
  {
    code: 'request.content-type.added',
    before: withBody(obj({})),
    after: api({
      '/a': {
        post: op({
          requestBody: { content: { 'application/json': { schema: obj({}) }, 'text/plain': { schema: S } } },
        }),
      },
    }),
  },
  // request schemas
  {
    code: 'request.property.required-added',
    before: withBody(obj({ a: S })),
    after: withBody(obj({ a: S, b: S }, ['b'])),
  },
  {
    code: 'request.property.became-required',
    before: withBody(obj({ a: S })),
    after: withBody(obj({ a: S }, ['a'])),
  },
  { code: 'request.property.added', before: withBody(obj({ a: S })), after: withBody(obj({ a: S, b: S })) },
  { code: 'request.property.removed', before: withBody(obj({ a: S, b: S })), after: withBody(obj({ a: S })) },
  { code: 'request.type-changed', before: withBody(obj({ a: S })), after: withBody(obj({ a: I })) },
  {
    code: 'request.nullable-removed',
    before: withBody(obj({ a: { type: 'string', nullable: true } })),
    after: withBody(obj({ a: S })),
  },
  {
    code: 'request.max-decreased',
    before: withParams(q('n', { ...I, maximum: 100 })),
    after: withParams(q('n', { ...I, maximum: 50 })),
  },
  {
    code: 'request.min-increased',
    before: withParams(q('n', { ...I, minimum: 1 })),
    after: withParams(q('n', { ...I, minimum: 5 })),
  },
  {
    code: 'request.max-length-decreased',
    before: withBody(obj({ a: { ...S, maxLength: 10 } })),
    after: withBody(obj({ a: { ...S, maxLength: 5 } })),
  },
  {
    code: 'request.min-length-increased',
    before: withBody(obj({ a: S })),
    after: withBody(obj({ a: { ...S, minLength: 3 } })),
  },
  {
    code: 'request.max-items-decreased',
    before: withBody({ type: 'array', items: S }),
    after: withBody({ type: 'array', items: S, maxItems: 10 }),
  },
  {
    code: 'request.min-items-increased',
    before: withBody({ type: 'array', items: S, minItems: 1 }),
    after: withBody({ type: 'array', items: S, minItems: 2 }),
  },
  {
    code: 'request.pattern-changed',
    before: withParams(q('n')),
    after: withParams(q('n', { ...S, pattern: '^[a-z]+$' })),
  },
  {
    code: 'request.format-changed',
    before: withParams(q('n')),
    after: withParams(q('n', { ...S, format: 'uuid' })),
  },
  {
    code: 'request.enum-value-removed',
    before: withParams(q('n', { ...S, enum: ['a', 'b'] })),
    after: withParams(q('n', { ...S, enum: ['a'] })),
  },
  {
    code: 'request.enum-value-added',
    before: withParams(q('n', { ...S, enum: ['a'] })),
    after: withParams(q('n', { ...S, enum: ['a', 'b'] })),
  },
  {
    code: 'request.additional-properties-restricted',
    before: withBody(obj({ a: S })),
    after: withBody(obj({ a: S }, [], { additionalProperties: false })),
  },
  { code: 'request.variant-removed', before: withBody({ oneOf: [S, I] }), after: withBody({ oneOf: [S] }) },
  {
    code: 'request.constraint-relaxed',
    before: withParams(q('n', { ...I, maximum: 10 })),
    after: withParams(q('n', I)),
  },
  // responses
  { code: 'response.success-removed', before: statuses('200', '404'), after: statuses('404', '201') },
  { code: 'response.status-removed', before: statuses('200', '404'), after: statuses('200') },
  { code: 'response.status-added', before: statuses('200'), after: statuses('200', '404') },
  {
    code: 'response.content-type.removed',
    before: withResponse(obj({})),
    after: withResponse(obj({}), {}, 'application/xml'),
  },
  {
    code: 'response.content-type.added',
    before: withResponse(obj({})),
    after: api({
      '/a': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: obj({}) }, 'text/csv': { schema: S } },
            },
          },
        },
      },
    }),
  },
  {
    code: 'response.header.required-removed',
    before: respHeaders({ 'X-Rate': { required: true, schema: I } }),
    after: respHeaders({}),
  },
  {
    code: 'response.header.removed',
    before: respHeaders({ 'X-Rate': { schema: I } }),
    after: respHeaders({}),
  },
  {
    code: 'response.header.no-longer-required',
    before: respHeaders({ 'X-Rate': { required: true, schema: I } }),
    after: respHeaders({ 'X-Rate': { schema: I } }),
  },
  // response schemas
  {
    code: 'response.property.removed',
    before: withResponse(obj({ a: S, b: S })),
    after: withResponse(obj({ a: S })),
  },
  {
    code: 'response.property.no-longer-required',
    before: withResponse(obj({ a: S }, ['a'])),
    after: withResponse(obj({ a: S })),
  },
  {
    code: 'response.property.added',
    before: withResponse(obj({ a: S })),
    after: withResponse(obj({ a: S, b: S })),
  },
  { code: 'response.type-changed', before: withResponse(obj({ a: I })), after: withResponse(obj({ a: S })) },
  {
    code: 'response.nullable-added',
    before: withResponse(obj({ a: S })),
    after: withResponse(obj({ a: { ...S, nullable: true } })),
  },
  {
    code: 'response.enum-value-added',
    before: withResponse(obj({ a: { ...S, enum: ['a'] } })),
    after: withResponse(obj({ a: { ...S, enum: ['a', 'b'] } })),
  },
  {
    code: 'response.enum-value-removed',
    before: withResponse(obj({ a: { ...S, enum: ['a', 'b'] } })),
    after: withResponse(obj({ a: { ...S, enum: ['a'] } })),
  },
  {
    code: 'response.constraint-widened',
    before: withResponse(obj({ a: { ...S, maxLength: 5 } })),
    after: withResponse(obj({ a: { ...S, maxLength: 50 } })),
  },
  {
    code: 'response.variant-added',
    before: withResponse({ oneOf: [S] }),
    after: withResponse({ oneOf: [S, I] }),
  },
  // security
  { code: 'security.requirement-added', before: secured([]), after: secured([{ key: [] }]) },
  {
    code: 'security.scope-added',
    before: secured([{ o: ['read'] }], { o: { type: 'http', scheme: 'bearer' } }),
    after: secured([{ o: ['read', 'write'] }], { o: { type: 'http', scheme: 'bearer' } }),
  },
  { code: 'security.requirement-removed', before: secured([{ key: [] }]), after: secured([]) },
  {
    code: 'security.scheme-changed',
    before: secured([{ key: [] }]),
    after: secured([{ key: [] }], { key: { type: 'apiKey', in: 'query', name: 'key' } }),
  },
];

describe('diff rules: one row per rule', () => {
  test('every rule of the catalogue has a row', () => {
    const covered = new Set(ROWS.map((r) => r.code));
    assert.deepEqual(
      RULES.map((r) => r.code).filter((c) => !covered.has(c)),
      [],
    );
  });
  for (const row of ROWS) {
    test(row.code, async () => {
      const { changes, summary } = await diffDocs(row.before, row.after);
      const hit = changes.find((c) => c.code === row.code);
      assert.ok(hit, `expected ${row.code}, got ${JSON.stringify(changes.map((c) => c.code))}`);
      const rule = ruleOf(row.code);
      assert.equal(hit.severity, rule.severity);
      assert.equal(hit.direction, rule.direction);
      assert.match(hit.message, new RegExp(`^${hit.operation.replace(/[{}]/g, '\\$&')}`));
      assert.equal(summary[rule.severity] >= 1, true);
      // The row proves this rule alone: nothing else breaking unless the row's rule is breaking.
      const otherBreaking = changes.filter((c) => c.severity === 'breaking' && c.code !== row.code);
      assert.deepEqual(otherBreaking, []);
      // And undoing the change does not report the same rule, unless the rule is about any difference.
      if (SYMMETRIC.has(row.code)) return;
      const reverse = await diffDocs(row.after, row.before);
      assert.equal(
        reverse.changes.some((c) => c.code === row.code && c.location === hit.location),
        false,
      );
    });
  }
});

test('docs/diff-rules.md documents every rule with its severity and direction', async () => {
  const { readFile } = await import('node:fs/promises');
  const docs = await readFile(new URL('../../../docs/diff-rules.md', import.meta.url), 'utf8');
  for (const rule of RULES) {
    assert.match(
      docs,
      new RegExp(`\\| \`${rule.code.replace(/\./g, '\\.')}\` \\| ${rule.severity} \\| ${rule.direction} \\|`),
      rule.code,
    );
  }
});
