import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { loadSpec } from '../../openapi/load.js';
import type { ApiSpec, JsonSchema } from '../../openapi/types.js';
import { schemaArbitrary } from './arbitrary.js';

const SPEC = `openapi: 3.1.0
info: { title: Shapes, version: 1.0.0 }
paths: {}
components:
  schemas:
    Order:
      type: object
      required: [quantity, sku]
      properties:
        quantity: { type: integer, minimum: 1, maximum: 100 }
        sku: { type: string, pattern: '^[A-Z]{3}-[0-9]{2}$' }
        note: { type: string, minLength: 2, maxLength: 20 }
        price: { type: number, exclusiveMinimum: 0, maximum: 500 }
        step: { type: number, multipleOf: 0.25, minimum: 1, maximum: 3 }
        tags: { type: array, items: { enum: [red, green, blue] }, uniqueItems: true, maxItems: 3 }
        parent: { type: [string, 'null'], maxLength: 4 }
        id: { type: string, readOnly: true }
        email: { type: string, format: email }
        shipping: { $ref: '#/components/schemas/Address' }
        kind: { const: order }
    Address:
      type: object
      required: [city]
      properties:
        city: { type: string, minLength: 1, maxLength: 30 }
        zip: { type: string, pattern: '^[0-9]{5}$' }
    Tagged:
      allOf:
        - $ref: '#/components/schemas/Address'
        - type: object
          required: [label]
          properties: { label: { type: string, enum: [home, work] } }
    Payment:
      oneOf:
        - { type: object, required: [card], properties: { card: { type: string, minLength: 4, maxLength: 4 } }, additionalProperties: false }
        - { type: object, required: [iban], properties: { iban: { type: string, minLength: 8, maxLength: 12 } }, additionalProperties: false }
    Node:
      type: object
      required: [name]
      properties:
        name: { type: string, maxLength: 5 }
        children: { type: array, items: { $ref: '#/components/schemas/Node' }, maxItems: 2 }
    Labels:
      type: object
      additionalProperties: { type: integer, minimum: 0 }
`;

const NAMES = ['Order', 'Address', 'Tagged', 'Payment', 'Node', 'Labels'];
let dir: string;
let spec: ApiSpec;
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gangway-arb-'));
  writeFileSync(join(dir, 'shapes.yaml'), SPEC);
  spec = await loadSpec(join(dir, 'shapes.yaml'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('schemaArbitrary', () => {
  for (const name of NAMES) {
    test(`${name}: 200 generated values are valid request values`, () => {
      const values = fc.sample(schemaArbitrary(ref(name), spec), { seed: 7, numRuns: 200 });
      const invalid = values.filter((v) => spec.validateValue(ref(name), v, 'request').length > 0);
      assert.deepEqual(invalid.slice(0, 3), [], `${invalid.length}/200 invalid`);
    });
  }

  test('unique items fewer than minItems allow do not hang the draw: the most there are', () => {
    const impossible = {
      type: 'array',
      items: { enum: ['a', 'b'] },
      uniqueItems: true,
      minItems: 3,
    } as JsonSchema;
    const values = fc.sample(schemaArbitrary(impossible, spec), { seed: 1, numRuns: 5 }) as string[][];
    assert.ok(
      values.every((v) => v.length <= 2 && new Set(v).size === v.length),
      JSON.stringify(values),
    );
    const plenty = {
      type: 'array',
      items: { type: 'integer' },
      uniqueItems: true,
      minItems: 3,
    } as JsonSchema;
    for (const v of fc.sample(schemaArbitrary(plenty, spec), { seed: 1, numRuns: 20 }) as number[][])
      assert.ok(v.length >= 3 && new Set(v).size === v.length, JSON.stringify(v));
  });

  test('the same seed gives the same values; another seed other values', () => {
    const draw = (seed: number) => fc.sample(schemaArbitrary(ref('Order'), spec), { seed, numRuns: 20 });
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  test('optional properties, nullable types and readOnly properties all occur as they should', () => {
    const values = fc.sample(schemaArbitrary(ref('Order'), spec), { seed: 3, numRuns: 200 }) as Record<
      string,
      unknown
    >[];
    assert.ok(values.some((v) => 'note' in v) && values.some((v) => !('note' in v)));
    assert.ok(values.some((v) => v.parent === null) && values.some((v) => typeof v.parent === 'string'));
    assert.ok(
      values.every((v) => !('id' in v)),
      'readOnly properties are left out of requests',
    );
  });

  test('shrinking reaches the minimal failing value: the bound crossed, optional properties dropped', () => {
    const arb = schemaArbitrary(ref('Order'), spec) as fc.Arbitrary<Record<string, unknown>>;
    const details = fc.check(
      fc.property(arb, (v) => (v.quantity as number) <= 7),
      { seed: 11, numRuns: 200 },
    );
    assert.equal(details.failed, true);
    const [minimal] = details.counterexample!;
    assert.deepEqual(Object.keys(minimal).sort(), ['quantity', 'sku']);
    assert.equal(minimal.quantity, 8);
  });

  test('shrinking strings: a string of one or two characters with the offending one', () => {
    const arb = schemaArbitrary(ref('Address'), spec) as fc.Arbitrary<Record<string, unknown>>;
    const details = fc.check(
      fc.property(arb, (v) => !/[0-9]/.test(v.city as string)),
      { seed: 5, numRuns: 500 },
    );
    assert.equal(details.failed, true);
    const [minimal] = details.counterexample!;
    assert.deepEqual(Object.keys(minimal), ['city']);
    // fast-check's string shrinker sometimes stops one character short of the minimum ("0 ").
    assert.match(minimal.city as string, /^[0-9] ?$/);
  });
});
