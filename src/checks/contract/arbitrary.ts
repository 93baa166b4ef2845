import fc from 'fast-check';
import { discriminatorOf, valuesFor } from '../../openapi/discriminator.js';
import { isObject } from '../../openapi/pointer.js';
import { mergeSchemas } from '../../openapi/schema-merge.js';
import type { ApiSpec, JsonSchema } from '../../openapi/types.js';

/** What building arbitraries needs from the spec. */
export type SchemaSource = Pick<ApiSpec, 'resolve' | 'sample'>;

/**
 * Nesting past which values come from the seeded generator (which ends recursion on its own) instead
 * of arbitraries built here: a recursive schema must not become an endless arbitrary.
 */
const MAX_DEPTH = 6;
/** Extra length / items allowed above the minimum when the schema sets no maximum. */
const STRING_SPAN = 16;
const ARRAY_SPAN = 4;
const NUMERIC_FORMAT_BOUNDS: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  'discriminator',
]);
/** Keywords this builder does not model: such schemas get the seeded generator. */
const UNMODELLED = [
  'format',
  'prefixItems',
  'contains',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'not',
  'if',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedProperties',
];

/**
 * A fast-check arbitrary of request values for a JSON Schema (2020-12, as the spec normalises it).
 * Shrinking moves towards minimal valid values: optional properties dropped, numbers towards their
 * lower bound (or 0), strings and arrays towards their minimum length, enums towards their first
 * value. Values are not guaranteed valid (oneOf exclusivity, formats...): callers validate them.
 */
export function schemaArbitrary(schema: JsonSchema, spec: SchemaSource, depth = 0): fc.Arbitrary<unknown> {
  if (schema === false) return seeded(schema, spec);
  if (schema === true || !isObject(schema)) return fc.string({ maxLength: STRING_SPAN });
  if (depth > MAX_DEPTH) return seeded(schema, spec);
  let s: Record<string, unknown> = schema;
  if (typeof s.$ref === 'string') {
    const { $ref, ...rest } = s;
    const target = spec.resolve({ $ref });
    if (Object.keys(rest).some((k) => !ANNOTATIONS.has(k))) {
      const merged = mergeSchemas([target, rest], (x) => spec.resolve(x));
      if (!isObject(merged)) return seeded(schema, spec);
      s = merged;
    } else return schemaArbitrary(target, spec, depth + 1);
  }
  if ('const' in s) return fc.constant(structuredClone(s.const));
  if (Array.isArray(s.enum) && s.enum.length > 0)
    return fc.constantFrom(...s.enum.map((v) => structuredClone(v)));
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    const merged = mergeSchemas([rest, ...(allOf as JsonSchema[])], (x) => spec.resolve(x));
    return isObject(merged) ? schemaArbitrary(merged, spec, depth + 1) : seeded(schema, spec);
  }
  const keyword = Array.isArray(s.oneOf) ? 'oneOf' : Array.isArray(s.anyOf) ? 'anyOf' : undefined;
  if (keyword) {
    const { [keyword]: list, ...base } = s;
    const hasBase = Object.keys(base).some((k) => !ANNOTATIONS.has(k));
    const d = discriminatorOf(s);
    const branches = (list as JsonSchema[]).map((branch) => {
      const merged = hasBase ? mergeSchemas([base, branch], (x) => spec.resolve(x)) : branch;
      const arb = merged === false ? seeded(schema, spec) : schemaArbitrary(merged, spec, depth + 1);
      // The discriminator names the branch: its property carries a value mapped to it.
      const values =
        d && isObject(branch) && typeof branch.$ref === 'string' ? valuesFor(d, branch.$ref) : [];
      if (!d || values.length === 0) return arb;
      return fc
        .tuple(arb, fc.constantFrom(...values))
        .map(([v, name]) => (isObject(v) ? { ...v, [d.propertyName]: name } : v));
    });
    return branches.length > 0 ? fc.oneof(...branches) : seeded(schema, spec);
  }
  // A discriminating base (allOf inheritance): the seeded generator picks the subtype.
  if (UNMODELLED.some((k) => k in s) || discriminatorOf(s)) return seeded(s, spec);
  const types = typeList(s);
  const nonNull = types.filter((t) => t !== 'null');
  const arbs = nonNull.map((t) => typed(t, s, spec, depth));
  if (nonNull.length < types.length) {
    // null last and rarer: shrinking moves towards the first alternative, a value of the real type.
    return fc.oneof(...arbs.map((arbitrary) => ({ arbitrary, weight: 4 })), {
      arbitrary: fc.constant(null),
      weight: 1,
    });
  }
  return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
}

/** Values of the seeded generator, by seed: deterministic, shrinking only towards seed 0's value. */
function seeded(schema: JsonSchema, spec: SchemaSource): fc.Arbitrary<unknown> {
  return fc.nat({ max: 1_000_000 }).map((seed) => {
    try {
      return spec.sample(schema, { seed, direction: 'request' });
    } catch {
      // Unsatisfiable: a value no schema with constraints accepts, so the caller's validation drops it.
      return UNSATISFIABLE;
    }
  });
}

/** Stands for "no value": fails validation against any schema that constrains anything. */
export const UNSATISFIABLE: unknown = Object.freeze({ 'gangway:unsatisfiable': Symbol('unsatisfiable') });

function typeList(s: Record<string, unknown>): string[] {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type) && s.type.length > 0) return s.type.map(String);
  if ('properties' in s || 'additionalProperties' in s || 'required' in s) return ['object'];
  if ('items' in s || 'minItems' in s || 'maxItems' in s) return ['array'];
  if ('minimum' in s || 'maximum' in s || 'multipleOf' in s || 'exclusiveMinimum' in s) return ['number'];
  return ['string'];
}

function typed(type: string, s: Record<string, unknown>, spec: SchemaSource, depth: number) {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberArbitrary(s, type === 'integer');
    case 'array':
      return arrayArbitrary(s, spec, depth);
    case 'object':
      return objectArbitrary(s, spec, depth);
    default:
      return stringArbitrary(s, spec);
  }
}

function stringArbitrary(s: Record<string, unknown>, spec: SchemaSource): fc.Arbitrary<unknown> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : minLength + STRING_SPAN;
  if (typeof s.pattern === 'string') {
    if (!('minLength' in s) && !('maxLength' in s)) {
      try {
        return fc.stringMatching(new RegExp(s.pattern, 'u'));
      } catch {
        // A pattern fast-check cannot read: the seeded generator has its own regex engine.
      }
    }
    return seeded(s, spec);
  }
  // Printable ASCII: what JSON, URLs and headers all carry without surprises.
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

function numberArbitrary(s: Record<string, unknown>, integer: boolean): fc.Arbitrary<number> {
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const bounds = typeof s.format === 'string' ? NUMERIC_FORMAT_BOUNDS[s.format] : undefined;
  let min = num('minimum') ?? bounds?.[0];
  let max = num('maximum') ?? bounds?.[1];
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  const multipleOf = num('multipleOf');
  if (integer || (multipleOf !== undefined && multipleOf > 0)) {
    const step = multipleOf !== undefined && multipleOf > 0 ? multipleOf : 1;
    if (exMin !== undefined) min = Math.max(min ?? -Infinity, exMin + (integer ? 1 : step * 1e-9));
    if (exMax !== undefined) max = Math.min(max ?? Infinity, exMax - (integer ? 1 : step * 1e-9));
    const kMin = min === undefined ? -1_000_000 : Math.ceil(min / step - 1e-9);
    const kMax = max === undefined ? kMin + 2_000_000 : Math.floor(max / step + 1e-9);
    const low = Math.max(kMin, Number.MIN_SAFE_INTEGER);
    const high = Math.min(kMax, low + 2 ** 31, Number.MAX_SAFE_INTEGER);
    if (low > high) return fc.constant(Number.NaN);
    const decimals = String(step).split('.')[1]?.length ?? 0;
    return fc
      .integer({ min: low, max: high })
      .map((k) => (step === 1 ? k : Number((k * step).toFixed(decimals))));
  }
  return fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    min: min ?? exMin ?? -1e9,
    max: max ?? exMax ?? 1e9,
    minExcluded: min === undefined && exMin !== undefined,
    maxExcluded: max === undefined && exMax !== undefined,
  });
}

function arrayArbitrary(s: Record<string, unknown>, spec: SchemaSource, depth: number) {
  const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
  const maxLength = Math.max(minLength, typeof s.maxItems === 'number' ? s.maxItems : minLength + ARRAY_SPAN);
  const items = schemaArbitrary((s.items ?? true) as JsonSchema, spec, depth + 1);
  if (s.uniqueItems === true) {
    const selector = (v: unknown) => JSON.stringify(v);
    // fast-check draws until it has minLength distinct items: forever when the items have fewer values
    // (an enum of two, minItems 3). Then the least it can reach is asked for; such a request is refused
    // before sending (invalidPart) and the coverage notes say why.
    const distinct =
      minLength > 1 ? new Set(fc.sample(items, { numRuns: 100, seed: 1 }).map(selector)).size : 100;
    const least = distinct < 100 ? Math.min(minLength, distinct) : minLength;
    return fc.uniqueArray(items, { minLength: least, maxLength: Math.max(least, maxLength), selector });
  }
  return fc.array(items, { minLength, maxLength });
}

function objectArbitrary(s: Record<string, unknown>, spec: SchemaSource, depth: number) {
  const props = isObject(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const extra = s.additionalProperties;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(props)) {
    // readOnly properties are the server's to set: a request never carries them, even required ones.
    if (readOnly(prop, spec)) continue;
    model[name] = schemaArbitrary(prop, spec, depth + 1);
  }
  for (const name of required) {
    if (Object.hasOwn(props, name)) continue;
    model[name] ??= isObject(extra) ? schemaArbitrary(extra, spec, depth + 1) : fc.string({ maxLength: 8 });
  }
  const record = optionalFirst(model, new Set([...required].filter((name) => Object.hasOwn(model, name))));
  if (!isObject(extra) || Object.keys(props).length > 0) return record;
  // A map (additionalProperties only): a few entries with identifier-like keys.
  const entries = fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/),
    schemaArbitrary(extra, spec, depth + 1),
    {
      maxKeys: 3,
    },
  );
  return fc.tuple(record, entries).map(([r, e]) => ({ ...e, ...r }));
}

/**
 * fc.record shrinks its keys in order: optional keys first, so the cheapest shrink steps (dropping a
 * property, one request each) come before long searches inside required values. The values keep
 * the model's key order.
 */
export function optionalFirst(
  model: Record<string, fc.Arbitrary<unknown>>,
  required: ReadonlySet<string>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(model);
  const ordered = [...keys.filter((k) => !required.has(k)), ...keys.filter((k) => required.has(k))];
  const record = fc.record(Object.fromEntries(ordered.map((k) => [k, model[k]!])), {
    requiredKeys: keys.filter((k) => required.has(k)),
  });
  return record.map((value) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (Object.hasOwn(value, k)) out[k] = value[k];
    return out;
  });
}

/** Whether a property is readOnly, through $ref, allOf and the anyOf a 3.0 nullable $ref became. */
export function readOnly(schema: JsonSchema, spec: SchemaSource, depth = 0): boolean {
  if (isObject(schema) && schema.readOnly === true) return true; // a sibling of $ref, resolve drops it
  const s = spec.resolve(schema);
  if (!isObject(s) || depth > 8) return false;
  if (s.readOnly === true) return true;
  if (Array.isArray(s.allOf) && s.allOf.some((sub) => readOnly(sub as JsonSchema, spec, depth + 1)))
    return true;
  const [a, b] = Array.isArray(s.anyOf) && s.anyOf.length === 2 ? (s.anyOf as JsonSchema[]) : [];
  return a !== undefined && isObject(b) && b.type === 'null' && readOnly(a, spec, depth + 1);
}
