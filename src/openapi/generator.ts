import { discriminatorOf, valuesFor } from './discriminator.js';
import { stringForFormat, word } from './format-gen.js';
import { isObject } from './pointer.js';
import type { Rng } from './prng.js';
import { stringForPattern } from './regex-gen.js';
import type { Direction } from './schema-convert.js';
import { mergeSchemas } from './schema-merge.js';
import type { JsonSchema } from './types.js';

/** Thrown inside generation when a schema (or a branch of it) cannot be satisfied. */
export class Unsatisfiable extends Error {}

export interface GenContext {
  rng: Rng;
  direction: Direction;
  /** Model schema of a canonical $ref. */
  lookup(ref: string): JsonSchema | undefined;
  /** readOnly (request) / writeOnly (response) properties are left out. */
  hidden(schema: JsonSchema): boolean;
  /** Checks a candidate against a schema with the compiled validator. */
  isValid(schema: JsonSchema, value: unknown): boolean;
  /** Use `examples` / `default` of schemas when present. */
  useExamples: boolean;
  /** Optional properties: all, none, or a seeded coin toss each. */
  optional: 'all' | 'none' | 'random';
}

/** Nesting past which generation stays minimal (no optional properties, shortest arrays). */
const SOFT_DEPTH = 6;
/** Nesting past which a schema that still requires more is unsatisfiable (endless recursion). */
const HARD_DEPTH = 40;
const NUMERIC_FORMAT_BOUNDS: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Generates a value for a model schema (not yet validated: the caller checks and retries). */
export function generate(schema: JsonSchema, ctx: GenContext, depth = 0): unknown {
  if (depth > HARD_DEPTH) throw new Unsatisfiable('the schema recurses without an end');
  if (schema === false) throw new Unsatisfiable('the schema is false');
  if (schema === true || !isObject(schema)) return word(ctx.rng);
  let s: Record<string, unknown> = schema;
  if (typeof s.$ref === 'string') {
    const target = ctx.lookup(s.$ref) ?? {};
    const { $ref: _ref, ...rest } = s;
    const siblings = Object.keys(rest).some((k) => !ANNOTATION.has(k));
    if (!siblings) return generate(target, ctx, depth + 1);
    const merged = mergeSchemas([target, rest], (x) => resolveRef(x, ctx));
    if (merged === false) throw new Unsatisfiable('$ref and its siblings contradict');
    s = merged === true ? {} : merged;
  }
  const deep = depth > SOFT_DEPTH;
  if ('const' in s) return structuredClone(s.const);
  if (ctx.useExamples && !deep) {
    if (Array.isArray(s.examples) && s.examples.length > 0 && ctx.rng.chance(0.5)) {
      return structuredClone(ctx.rng.pick(s.examples));
    }
    if ('default' in s && ctx.rng.chance(0.3)) return structuredClone(s.default);
  }
  if (Array.isArray(s.enum) && s.enum.length > 0) return structuredClone(ctx.rng.pick(s.enum));
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    const merged = mergeSchemas([rest, ...(allOf as JsonSchema[])], (x) => resolveRef(x, ctx));
    if (merged === false) throw new Unsatisfiable('allOf members contradict');
    return generate(merged, ctx, depth + 1);
  }
  const alternatives = Array.isArray(s.oneOf) ? 'oneOf' : Array.isArray(s.anyOf) ? 'anyOf' : undefined;
  if (alternatives) return generateAlternative(s, alternatives, ctx, depth);
  switch (pickType(s, ctx, deep)) {
    case 'null':
      return null;
    case 'boolean':
      return ctx.rng.chance(0.5);
    case 'integer':
      return generateNumber(s, true, ctx);
    case 'number':
      // format int32/int64 on a number (a common spelling for counts) accepts integers only
      return generateNumber(s, s.format === 'int32' || s.format === 'int64', ctx);
    case 'array':
      return generateArray(s, ctx, depth);
    case 'object':
      return pinDiscriminator(s, generateObject(s, ctx, depth), ctx, depth);
    default:
      return generateString(s, ctx);
  }
}

const ANNOTATION = new Set([
  'discriminator',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

function resolveRef(s: JsonSchema, ctx: GenContext): JsonSchema {
  let current = s;
  for (let i = 0; i < 16 && isObject(current) && typeof current.$ref === 'string'; i++) {
    const { $ref, ...rest } = current;
    const target = ctx.lookup($ref as string) ?? {};
    current = Object.keys(rest).length > 0 && isObject(target) ? { ...target, ...rest } : target;
  }
  return current;
}

function generateAlternative(
  s: Record<string, unknown>,
  keyword: 'oneOf' | 'anyOf',
  ctx: GenContext,
  depth: number,
): unknown {
  const { [keyword]: list, ...base } = s;
  const branches = list as JsonSchema[];
  const discriminated = discriminatorOf(s);
  const hasBase = Object.keys(base).some((k) => !ANNOTATION.has(k));
  let order = ctx.rng.shuffle(branches.map((_, i) => i));
  if (depth > SOFT_DEPTH) {
    // Deep in a recursive structure, prefer branches that end it (null, no $ref).
    const ends = (i: number) => {
      const b = branches[i];
      return isObject(b) && (b.type === 'null' || typeof b.$ref !== 'string') ? 0 : 1;
    };
    order = order.sort((a, b) => ends(a) - ends(b));
  }
  let last: unknown;
  for (const i of order) {
    const branch = branches[i] as JsonSchema;
    let schema = hasBase ? mergeSchemas([base, branch], (x) => resolveRef(x, ctx)) : branch;
    if (schema === false) continue;
    if (keyword === 'oneOf' && hasBase && isObject(schema))
      schema = withoutOthersRequired(schema, branches, i, ctx);
    let value: unknown;
    try {
      value = generate(schema, ctx, depth + 1);
    } catch (error) {
      if (error instanceof Unsatisfiable) {
        last = error;
        continue;
      }
      throw error;
    }
    // The discriminator names the branch: its property carries a value mapped to it.
    const named = discriminated && isObject(branch) && typeof branch.$ref === 'string';
    const values = named ? valuesFor(discriminated, branch.$ref as string) : [];
    if (values.length > 0 && isObject(value))
      value = { ...value, [discriminated!.propertyName]: ctx.rng.pick(values) };
    if (!safeValid(ctx, branch, value)) continue;
    if (keyword === 'oneOf' && branches.some((other, j) => j !== i && safeValid(ctx, other, value))) continue;
    return value;
  }
  throw last instanceof Unsatisfiable
    ? last
    : new Unsatisfiable(`no ${keyword} alternative could be satisfied`);
}

/**
 * For oneOf branches that differ only by `required` (a common way to say "id, or owner+repo"),
 * optional properties another branch requires must stay out, or the value matches both.
 */
function withoutOthersRequired(
  schema: Record<string, unknown>,
  branches: readonly JsonSchema[],
  chosen: number,
  ctx: GenContext,
): Record<string, unknown> {
  if (!isObject(schema.properties)) return schema;
  const own = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const avoid = new Set<string>();
  branches.forEach((b, j) => {
    const r = resolveRef(b, ctx);
    if (j === chosen || !isObject(r) || !Array.isArray(r.required)) return;
    for (const name of r.required) if (!own.has(String(name))) avoid.add(String(name));
  });
  if (avoid.size === 0) return schema;
  const properties: Record<string, unknown> = {};
  for (const name in schema.properties) if (!avoid.has(name)) properties[name] = schema.properties[name];
  return { ...schema, properties };
}

/**
 * A subtype of a discriminating base (allOf inheritance, Swagger 2.0): the property gets the value of
 * a mapped schema the object is valid against, so the generated object names its own type.
 */
function pinDiscriminator(
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  ctx: GenContext,
  depth: number,
) {
  const d = discriminatorOf(s);
  if (!d || Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return value;
  const entries = ctx.rng.shuffle(Object.entries(d.mapping));
  for (const [name, ref] of entries) {
    const candidate = { ...value, [d.propertyName]: name };
    const target = ctx.lookup(ref);
    if (target !== undefined && safeValid(ctx, target, candidate)) return candidate;
  }
  // The base alone satisfies none of its subtypes (they require properties of their own, Azure's
  // FrequencyBased schedule its Interval): a value of one of them, drawn from the subtype itself.
  if (depth < SOFT_DEPTH) {
    for (const [name, ref] of entries) {
      const target = ctx.lookup(ref);
      if (target === undefined) continue;
      try {
        const drawn = generate(target, ctx, depth + 1);
        const candidate = isObject(drawn) ? { ...drawn, [d.propertyName]: name } : undefined;
        if (candidate && safeValid(ctx, target, candidate)) return candidate;
      } catch (error) {
        if (!(error instanceof Unsatisfiable)) throw error;
      }
    }
  }
  return entries.length > 0 ? { ...value, [d.propertyName]: entries[0]![0] } : value;
}

function safeValid(ctx: GenContext, schema: JsonSchema, value: unknown): boolean {
  try {
    return ctx.isValid(schema, value);
  } catch {
    return false;
  }
}

function pickType(s: Record<string, unknown>, ctx: GenContext, deep: boolean): string {
  let types: string[];
  if (typeof s.type === 'string') types = [s.type];
  else if (Array.isArray(s.type) && s.type.length > 0) types = s.type.map(String);
  else types = [inferType(s)];
  const nonNull = types.filter((t) => t !== 'null');
  if (nonNull.length === 0) return 'null';
  if (nonNull.length < types.length && (deep || ctx.rng.chance(0.1))) return 'null';
  return ctx.rng.pick(nonNull);
}

function inferType(s: Record<string, unknown>): string {
  if ('properties' in s || 'additionalProperties' in s || 'required' in s || 'patternProperties' in s)
    return 'object';
  if ('items' in s || 'prefixItems' in s || 'minItems' in s || 'maxItems' in s) return 'array';
  if (s.format === 'int32' || s.format === 'int64') return 'integer';
  if ('minimum' in s || 'maximum' in s || 'multipleOf' in s || 'exclusiveMinimum' in s) return 'number';
  return 'string';
}

function generateString(s: Record<string, unknown>, ctx: GenContext): string {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  if (typeof s.pattern === 'string') {
    // A format and a pattern together (a date-time pattern of digits): a value of the format the whole
    // schema accepts, when there is one — the pattern's own draws rarely make a real date.
    const formatted = typeof s.format === 'string' ? stringForFormat(s.format, ctx.rng) : undefined;
    if (formatted !== undefined && safeValid(ctx, s, formatted)) return formatted;
    const out = stringForPattern(s.pattern, ctx.rng, min, max);
    if (out === undefined) throw new Unsatisfiable(`no string found for pattern ${s.pattern}`);
    return out;
  }
  if (typeof s.format === 'string') {
    const out = stringForFormat(s.format, ctx.rng);
    if (out !== undefined && out.length >= min && out.length <= max) return out;
  }
  const upper = Math.min(max, Math.max(min, 1) + 10);
  const length = ctx.rng.int(Math.min(Math.max(min, 1), upper), upper);
  let out = '';
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < length; i++) out += chars[ctx.rng.int(0, chars.length - 1)];
  return out;
}

function decimals(n: number): number {
  const text = String(n);
  const e = /e-(\d+)$/.exec(text);
  if (e) return Number(e[1]);
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

function generateNumber(s: Record<string, unknown>, integer: boolean, ctx: GenContext): number {
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const bounds = typeof s.format === 'string' ? NUMERIC_FORMAT_BOUNDS[s.format] : undefined;
  let lo = num('minimum') ?? bounds?.[0];
  let hi = num('maximum') ?? bounds?.[1];
  const exLo = num('exclusiveMinimum');
  const exHi = num('exclusiveMaximum');
  const step = integer ? 1 : 0.01;
  if (exLo !== undefined) lo = lo === undefined ? exLo + step : Math.max(lo, exLo + step);
  if (exHi !== undefined) hi = hi === undefined ? exHi - step : Math.min(hi, exHi - step);
  // Unbounded sides get a friendly range near the other bound (or 1..1000).
  if (lo === undefined && hi === undefined) [lo, hi] = [1, 1000];
  else if (lo === undefined) lo = (hi as number) - 1000;
  else if (hi === undefined) hi = lo + 1000;
  let low = lo as number;
  let high = Math.min(hi as number, low + 1_000_000);
  if (low < 0 && (hi as number) > 0 && bounds) [low, high] = [0, Math.min(hi as number, 1_000_000)];
  const multipleOf = num('multipleOf');
  if (multipleOf !== undefined && multipleOf > 0) {
    const kLo = Math.ceil(low / multipleOf - 1e-9);
    const kHi = Math.floor(high / multipleOf + 1e-9);
    if (kLo > kHi) throw new Unsatisfiable(`no multiple of ${multipleOf} between ${low} and ${high}`);
    const k = ctx.rng.int(kLo, Math.min(kHi, kLo + 1000));
    return Number((k * multipleOf).toFixed(decimals(multipleOf)));
  }
  if (integer) {
    const a = Math.ceil(low);
    const b = Math.floor(high);
    if (a > b) throw new Unsatisfiable(`no integer between ${low} and ${high}`);
    return ctx.rng.int(a, b);
  }
  if (low > high) throw new Unsatisfiable(`no number between ${low} and ${high}`);
  const value = Math.round((low + ctx.rng.next() * (high - low)) * 100) / 100;
  return Math.min(Math.max(value, low), high);
}

function generateArray(s: Record<string, unknown>, ctx: GenContext, depth: number): unknown[] {
  const min = typeof s.minItems === 'number' ? s.minItems : 0;
  const max = typeof s.maxItems === 'number' ? s.maxItems : min + 3;
  const deep = depth > SOFT_DEPTH;
  const count = deep ? min : ctx.rng.int(Math.min(Math.max(min, 1), max), Math.min(max, min + 3));
  const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
  const items = (s.items ?? true) as JsonSchema;
  const out: unknown[] = [];
  const seen = new Set<string>();
  if (s.contains !== undefined && count > 0) out.push(generate(s.contains as JsonSchema, ctx, depth + 1));
  for (let tries = 0; out.length < count && tries < count * 10 + 10; tries++) {
    const schema = out.length < prefix.length ? (prefix[out.length] as JsonSchema) : items;
    let value: unknown;
    try {
      value = generate(schema, ctx, depth + 1);
    } catch (error) {
      // Items no value satisfies (SendGrid's events: two allOf members with disjoint required enums):
      // an array that may be empty still has one valid value, [].
      if (error instanceof Unsatisfiable && out.length >= min && s.contains === undefined) return out;
      throw error;
    }
    if (s.uniqueItems === true) {
      const key = JSON.stringify(value);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(value);
  }
  if (out.length < min) throw new Unsatisfiable(`could not build ${min} distinct items`);
  return out;
}

function generateObject(s: Record<string, unknown>, ctx: GenContext, depth: number): Record<string, unknown> {
  const props = isObject(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const deep = depth > SOFT_DEPTH;
  const maxProps = typeof s.maxProperties === 'number' ? s.maxProperties : Infinity;
  const out: Record<string, unknown> = {};
  let count = 0;
  const optional: string[] = [];
  for (const name in props) {
    const prop = props[name] as JsonSchema;
    if (ctx.hidden(prop)) continue;
    if (required.has(name)) {
      out[name] = generate(prop, ctx, depth + 1);
      count++;
    } else optional.push(name);
  }
  const extra = s.additionalProperties;
  for (const name of required) {
    if (name in props || name in out) continue;
    out[name] = isObject(extra) ? generate(extra, ctx, depth + 1) : word(ctx.rng);
    count++;
  }
  const minProps = typeof s.minProperties === 'number' ? s.minProperties : 0;
  for (const name of optional) {
    if (count >= maxProps) break;
    const take =
      count < minProps ||
      (!deep && (ctx.optional === 'all' || (ctx.optional === 'random' && ctx.rng.chance(0.5))));
    if (!take) continue;
    out[name] = generate(props[name] as JsonSchema, ctx, depth + 1);
    count++;
  }
  if (isObject(s.patternProperties) && !deep) {
    for (const pattern in s.patternProperties) {
      if (count >= maxProps || !ctx.rng.chance(0.5)) continue;
      const key = stringForPattern(pattern, ctx.rng, 1, 40);
      if (key === undefined || key in out) continue;
      out[key] = generate(s.patternProperties[pattern] as JsonSchema, ctx, depth + 1);
      count++;
    }
  }
  const wantsMap = isObject(extra) && Object.keys(props).length === 0 && !deep;
  let extras = wantsMap ? ctx.rng.int(1, 2) : 0;
  extras = Math.max(extras, minProps - count);
  for (let i = 0; i < extras && count < maxProps && extra !== false; i++) {
    const key = `${word(ctx.rng)}_${i}`;
    out[key] = isObject(extra) ? generate(extra, ctx, depth + 1) : word(ctx.rng);
    count++;
  }
  return out;
}
