import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSpec } from './load.js';
import type { ApiSpec } from './types.js';

async function specOf(text: string): Promise<ApiSpec> {
  const file = join(mkdtempSync(join(tmpdir(), 'gangway-disc-')), 'spec.yaml');
  writeFileSync(file, text);
  return loadSpec(file);
}

const PETS_V2 = `swagger: "2.0"
info: { title: Pets, version: "1" }
paths: {}
definitions:
  Pet:
    type: object
    discriminator: petType
    required: [name, petType]
    properties:
      name: { type: string }
      petType: { type: string }
  Cat:
    allOf:
      - $ref: "#/definitions/Pet"
      - type: object
        required: [huntingSkill]
        properties:
          huntingSkill: { type: string, enum: [clueless, lazy, adventurous] }
  Dog:
    allOf:
      - $ref: "#/definitions/Pet"
      - type: object
        required: [packSize]
        properties:
          packSize: { type: integer, minimum: 0 }
`;

const PETS_V3 = `openapi: 3.0.3
info: { title: Pets, version: "1" }
paths: {}
components:
  schemas:
    Pet:
      oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }]
      discriminator:
        propertyName: kind
        mapping: { cat: Cat, dog: "#/components/schemas/Dog" }
    Cat:
      type: object
      required: [kind, lives]
      properties: { kind: { type: string }, lives: { type: integer, maximum: 9 } }
    Dog:
      type: object
      required: [kind]
      properties: { kind: { type: string }, packSize: { type: integer } }
`;

describe('discriminators', () => {
  test('Swagger 2.0 (discriminator: name, allOf inheritance, implicit mapping by definition name)', async () => {
    const spec = await specOf(PETS_V2);
    const pet = spec.resolve({ $ref: '#/definitions/Pet' });
    const check = (value: unknown) =>
      spec.validateValue(pet, value, 'response').map((i) => `${i.pointer} ${i.expected}`);
    assert.deepEqual(check({ name: 'Tom', petType: 'Cat', huntingSkill: 'lazy' }), []);
    assert.deepEqual(check({ name: 'Rex', petType: 'Dog', packSize: 2 }), []);
    assert.deepEqual(check({ name: 'Any', petType: 'Pet' }), []);
    assert.deepEqual(check({ name: 'Rex', petType: 'Cat', packSize: 2 }), [
      "/huntingSkill required property 'huntingSkill'",
    ]);
    assert.deepEqual(check({ name: 'Nemo', petType: 'Fish' }), ['/petType one of "Pet", "Cat", "Dog"']);
    // Validating a subtype directly does not loop through its base.
    const cat = spec.resolve({ $ref: '#/definitions/Cat' });
    assert.deepEqual(
      spec.validateValue(cat, { name: 'Tom', petType: 'Cat', huntingSkill: 'lazy' }, 'response'),
      [],
    );
    for (let seed = 0; seed < 5; seed++) {
      const value = spec.sample(cat, { seed, direction: 'request' }) as Record<string, unknown>;
      assert.equal(value.petType, 'Cat', JSON.stringify(value));
    }
  });

  test("Azure's x-ms-discriminator-value names a subtype's value instead of its definition name", async () => {
    const spec = await specOf(
      PETS_V2.replace('  Cat:\n    allOf:', '  Cat:\n    x-ms-discriminator-value: feline\n    allOf:'),
    );
    const pet = spec.resolve({ $ref: '#/definitions/Pet' });
    const check = (value: unknown) =>
      spec.validateValue(pet, value, 'response').map((i) => `${i.pointer} ${i.expected}`);
    assert.deepEqual(check({ name: 'Tom', petType: 'feline', huntingSkill: 'lazy' }), []);
    assert.deepEqual(check({ name: 'Tom', petType: 'feline' }), [
      "/huntingSkill required property 'huntingSkill'",
    ]);
    const cat = spec.resolve({ $ref: '#/definitions/Cat' });
    for (let seed = 0; seed < 5; seed++) {
      const value = spec.sample(cat, { seed, direction: 'response' }) as Record<string, unknown>;
      assert.equal(value.petType, 'feline', JSON.stringify(value));
    }
  });

  test('a value of the base whose subtypes all require more is drawn from a subtype (Azure Service Fabric)', async () => {
    // OpenAPI 3.0, no mapping: the kind is a $ref to an enum with a value no subtype takes, and each subtype
    // (named by x-ms-discriminator-value) requires a property of its own.
    const spec = await specOf(`openapi: 3.0.0
info: { title: Backups, version: "1" }
paths: {}
components:
  schemas:
    ScheduleKind: { type: string, enum: [Invalid, TimeBased, FrequencyBased] }
    Schedule:
      discriminator: { propertyName: ScheduleKind }
      required: [ScheduleKind]
      properties: { ScheduleKind: { $ref: "#/components/schemas/ScheduleKind" } }
    FrequencyBasedSchedule:
      x-ms-discriminator-value: FrequencyBased
      allOf: [{ $ref: "#/components/schemas/Schedule" }]
      required: [Interval]
      properties: { Interval: { type: string, format: duration } }
    TimeBasedSchedule:
      x-ms-discriminator-value: TimeBased
      allOf: [{ $ref: "#/components/schemas/Schedule" }]
      required: [RunTimes]
      properties: { RunTimes: { type: array, items: { type: string, format: date-time } } }
`);
    const schedule = spec.resolve({ $ref: '#/components/schemas/Schedule' });
    for (let seed = 0; seed < 8; seed++) {
      const value = spec.sample(schedule, { seed, direction: 'response' }) as Record<string, unknown>;
      assert.deepEqual(spec.validateValue(schedule, value, 'response'), [], JSON.stringify(value));
      assert.ok(['TimeBased', 'FrequencyBased'].includes(String(value.ScheduleKind)), JSON.stringify(value));
    }
  });

  test('OpenAPI 3.0 oneOf with a mapping (a bare name and a ref): the mapped schema decides', async () => {
    const spec = await specOf(PETS_V3);
    const pet = spec.resolve({ $ref: '#/components/schemas/Pet' });
    const check = (value: unknown) =>
      spec.validateValue(pet, value, 'response').map((i) => `${i.pointer} ${i.expected}`);
    assert.deepEqual(check({ kind: 'cat', lives: 3 }), []);
    assert.deepEqual(check({ kind: 'dog', lives: 30 }), []);
    assert.deepEqual(check({ kind: 'cat', lives: 30 }), ['/lives number <= 9']);
    assert.deepEqual(check({ kind: 'Cat', lives: 3 }), ['/kind one of "cat", "dog"']);
    for (let seed = 0; seed < 6; seed++) {
      const value = spec.sample(pet, { seed, direction: 'request' }) as Record<string, unknown>;
      assert.ok(value.kind === 'cat' || value.kind === 'dog', JSON.stringify(value));
    }
  });
});
