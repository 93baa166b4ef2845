import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { InputError } from '../core/errors.js';
import { loadSpec } from './load.js';
import type { ApiSpec, JsonSchema } from './types.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/openapi');
const SEEDS = 50;

/** Every schema a fixture declares: named components plus each operation's bodies and parameters. */
function schemasOf(spec: ApiSpec, file: string): { name: string; schema: JsonSchema }[] {
  const doc = parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, Record<string, object>>;
  const named = doc.definitions
    ? Object.keys(doc.definitions).map((n) => `#/definitions/${n}`)
    : Object.keys(doc.components?.schemas ?? {}).map((n) => `#/components/schemas/${n}`);
  const out = named.map((ref) => ({ name: ref, schema: { $ref: ref } as JsonSchema }));
  for (const op of spec.operations) {
    for (const p of op.parameters)
      if (p.schema !== undefined) out.push({ name: `${op.id} ${p.in}:${p.name}`, schema: p.schema });
    for (const [media, m] of Object.entries(op.requestBody?.content ?? {})) {
      if (m.schema !== undefined) out.push({ name: `${op.id} request ${media}`, schema: m.schema });
    }
    for (const r of op.responses) {
      for (const [media, m] of Object.entries(r.content)) {
        if (m.schema !== undefined) out.push({ name: `${op.id} ${r.status} ${media}`, schema: m.schema });
      }
    }
  }
  return out;
}

for (const file of ['payments-3.0.yaml', 'petstore-2.0.yaml', 'catalog-3.1.json']) {
  describe(`sample(): every schema of ${file}`, async () => {
    const spec = await loadSpec(join(FIXTURES, file));
    for (const { name, schema } of schemasOf(spec, file)) {
      test(`${name}: ${SEEDS} seeds give valid values, the same for the same seed`, () => {
        for (const direction of ['request', 'response'] as const) {
          for (let seed = 0; seed < SEEDS; seed++) {
            const value = spec.sample(schema, { seed, direction });
            const issues = spec.validateValue(schema, value, direction);
            assert.deepEqual(issues, [], `seed ${seed} ${direction}: ${JSON.stringify(value)}`);
            assert.deepEqual(
              spec.sample(schema, { seed, direction }),
              value,
              `seed ${seed} is not deterministic`,
            );
          }
        }
      });
    }
  });
}

describe('sample(): behaviour', async () => {
  const spec = await loadSpec(join(FIXTURES, 'payments-3.0.yaml'));
  const catalog = await loadSpec(join(FIXTURES, 'catalog-3.1.json'));

  test('readOnly properties are left out of requests, writeOnly out of responses', () => {
    const user = { $ref: '#/components/schemas/User' };
    for (let seed = 0; seed < 20; seed++) {
      const req = spec.sample(user, { seed, direction: 'request' }) as Record<string, unknown>;
      assert.ok(!('id' in req) && !('createdAt' in req) && 'password' in req, JSON.stringify(req));
      const res = spec.sample(user, { seed, direction: 'response' }) as Record<string, unknown>;
      assert.ok('id' in res && !('password' in res), JSON.stringify(res));
    }
  });

  test('seeds produce varied values', () => {
    const values = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      values.add(
        JSON.stringify(
          spec.sample({ $ref: '#/components/schemas/Payment' }, { seed, direction: 'response' }),
        ),
      );
    }
    assert.ok(values.size > 15, `only ${values.size} distinct payments`);
  });

  test('recursive schemas stay finite', () => {
    for (let seed = 0; seed < 20; seed++) {
      const tree = catalog.sample({ $ref: '#/components/schemas/Node' }, { seed, direction: 'response' });
      assert.ok(JSON.stringify(tree).length < 100_000);
    }
  });

  test('formats and patterns produce matching strings', () => {
    const checks: [JsonSchema, RegExp][] = [
      [
        { type: 'string', format: 'uuid' },
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ],
      [{ type: 'string', format: 'date-time' }, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/],
      [{ type: 'string', format: 'email' }, /^[^@]+@example\.com$/],
      [{ type: 'string', pattern: '^[A-Z]{2}-\\d{3}$', maxLength: 6 }, /^[A-Z]{2}-\d{3}$/],
    ];
    for (const [schema, re] of checks)
      assert.match(String(spec.sample(schema, { seed: 3, direction: 'request' })), re);
    const n = spec.sample(
      { type: 'number', minimum: 1.5, maximum: 2, multipleOf: 0.25 },
      { seed: 1, direction: 'request' },
    );
    assert.ok([1.5, 1.75, 2].includes(n as number));
  });

  test('oneOf branches that differ only by required get values matching exactly one', () => {
    const refund = spec.operation('createRefund');
    assert.ok(refund);
    const schema = refund.requestBody?.content['application/json']?.schema as JsonSchema;
    for (let seed = 0; seed < 30; seed++) {
      const req = spec.generateRequest(refund, { seed, includeOptional: true });
      assert.deepEqual(spec.validateValue(schema, req.body, 'request'), [], JSON.stringify(req.body));
    }
  });

  test('optional properties a schema makes impossible are left out (Azure: additionalProperties beside allOf)', () => {
    // additionalProperties applies to every property not named in this object's own `properties`, so
    // the allOf's optional string properties can never be present: only leaving them all out is valid.
    const schema = {
      type: 'object',
      properties: { identity: { type: 'object' } },
      additionalProperties: { type: 'object' },
      allOf: [
        {
          properties: {
            eTag: { type: 'string' },
            id: { type: 'string' },
            name: { type: 'string' },
            type: { type: 'string' },
            location: { type: 'string' },
          },
        },
      ],
    };
    for (let seed = 0; seed < 10; seed++) {
      const value = spec.sample(schema, { seed, direction: 'response' });
      assert.deepEqual(spec.validateValue(schema, value, 'response'), [], JSON.stringify(value));
    }
  });

  test('a date-time with a pattern of digits (ShipEngine) gets real date-times', () => {
    const date = {
      type: 'string',
      format: 'date-time',
      pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[-+]\\d{2}:\\d{2}))?$',
    } as JsonSchema;
    for (let seed = 0; seed < 20; seed++) {
      const value = spec.sample(date, { seed, direction: 'response' });
      assert.deepEqual(spec.validateValue(date, value, 'response'), [], String(value));
    }
  });

  test('a number with format int32 gets integers; items no value satisfies leave an optional array empty', () => {
    for (let seed = 0; seed < 20; seed++) {
      const count = spec.sample({ type: 'number', format: 'int32' }, { seed, direction: 'response' });
      assert.ok(Number.isInteger(count), String(count));
    }
    // SendGrid's events: two allOf members whose required bounce_type enums do not meet.
    const event = (kinds: string[]) => ({
      type: 'object',
      required: ['bounce_type'],
      properties: { bounce_type: { type: 'string', enum: kinds } },
    });
    const events = {
      allOf: [
        { type: 'array', items: event(['bounced']) },
        { type: 'array', items: event(['soft']) },
      ],
    };
    assert.deepEqual(spec.sample(events, { seed: 1, direction: 'response' }), []);
  });

  test('an unsatisfiable schema raises spec.unsatisfiable', () => {
    const impossible = { type: 'string', pattern: '^a$', minLength: 3 };
    assert.throws(
      () => spec.sample(impossible, { seed: 1, direction: 'request' }),
      (e: unknown) => e instanceof InputError && e.code === 'spec.unsatisfiable' && /pattern/.test(e.message),
    );
    assert.throws(
      () => spec.sample({ type: 'integer', minimum: 5, maximum: 4 }, { seed: 1, direction: 'request' }),
      InputError,
    );
  });
});

describe('generateRequest()', async () => {
  const spec = await loadSpec(join(FIXTURES, 'payments-3.0.yaml'));
  const petstore = await loadSpec(join(FIXTURES, 'petstore-2.0.yaml'));
  const catalog = await loadSpec(join(FIXTURES, 'catalog-3.1.json'));
  const op = (s: ApiSpec, id: string) => {
    const found = s.operation(id);
    assert.ok(found);
    return found;
  };

  test('path parameters: known, then example, then generated', () => {
    const get = op(spec, 'getPayment');
    const fromExample = spec.generateRequest(get, { seed: 1 });
    assert.deepEqual(fromExample.pathParams, { paymentId: '3f1c2b9e-1a2b-4c3d-8e9f-001122334455' });
    assert.equal(fromExample.sources['path:paymentId'], 'example');
    const known = spec.generateRequest(get, { seed: 1, known: { paymentId: 'p-1' } });
    assert.deepEqual(known.pathParams, { paymentId: 'p-1' });
    assert.equal(known.sources['path:paymentId'], 'known');
    const generated = spec.generateRequest(get, { seed: 1, preferExamples: false });
    assert.match(generated.pathParams.paymentId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(generated.sources['path:paymentId'], 'generated');
    assert.equal(get.responses.length > 0, true);
    assert.equal(spec.generateRequest(op(spec, 'getUser'), { seed: 2 }).body, undefined);
  });

  test('required headers, defaults, and optional parameters only when asked', () => {
    const list = op(spec, 'listPayments');
    const minimal = spec.generateRequest(list, { seed: 4 });
    assert.deepEqual(minimal.query, { limit: '20' });
    assert.equal(minimal.sources['query:limit'], 'default');
    const full = spec.generateRequest(list, { seed: 4, includeOptional: true });
    assert.match(String(full.query.cursor), /^[a-zA-Z0-9_-]{1,40}$/);
    assert.ok(['pending', 'captured', 'failed'].includes(String(full.query.status)));
    const user = spec.generateRequest(op(spec, 'getUser'), { seed: 4, includeOptional: true });
    assert.match(user.headers.Cookie ?? '', /^session=\w+/);
  });

  test('JSON body: example first, else generated and valid; known values override properties', () => {
    const create = op(spec, 'createPayment');
    const fromExample = spec.generateRequest(create, { seed: 5 });
    assert.equal(fromExample.contentType, 'application/json');
    assert.deepEqual(fromExample.body, {
      amount: 1250,
      currency: 'EUR',
      method: { type: 'card', last4: '4242' },
    });
    assert.match(fromExample.headers['Idempotency-Key'] ?? '', /^[A-Za-z0-9-]{8,64}$/);
    const generated = spec.generateRequest(create, { seed: 5, preferExamples: false, known: { amount: 99 } });
    const schema = create.requestBody?.content['application/json']?.schema as JsonSchema;
    assert.equal((generated.body as { amount: number }).amount, 99);
    assert.equal(generated.sources['body:/amount'], 'known');
    assert.equal(generated.sources.body, 'generated');
    assert.deepEqual(spec.validateValue(schema, generated.body, 'request'), []);
    assert.ok(!('id' in (generated.body as object)), 'readOnly id is not sent');
  });

  test('media type preference and encodings', () => {
    const update = spec.generateRequest(op(spec, 'updateUser'), { seed: 6, includeOptional: true });
    assert.equal(update.contentType, 'application/json');
    const product = catalog.generateRequest(op(catalog, 'createProduct'), { seed: 6 });
    assert.equal(product.contentType, 'application/merge-patch+json');
    const login = petstore.generateRequest(op(petstore, 'login'), { seed: 6 });
    assert.equal(login.contentType, 'application/x-www-form-urlencoded');
    assert.match(String(login.body), /^username=[^&]{3,}/);
    const products = catalog.generateRequest(op(catalog, 'listProducts'), { seed: 6, includeOptional: true });
    assert.match(products.headers['X-Tenant'] ?? '', /^t-\d{3}$/);
    assert.equal(typeof products.query.sort, 'string', 'form, explode false: one comma-separated value');
    const pets = petstore.generateRequest(op(petstore, 'findPets'), { seed: 6, includeOptional: true });
    assert.ok(Array.isArray(pets.query.tags), 'collectionFormat multi: repeated values');
  });

  test('the same seed gives the same request', () => {
    const create = op(spec, 'createPayment');
    const a = spec.generateRequest(create, { seed: 9, preferExamples: false, includeOptional: true });
    const b = spec.generateRequest(create, { seed: 9, preferExamples: false, includeOptional: true });
    assert.deepEqual(a, b);
  });
});
