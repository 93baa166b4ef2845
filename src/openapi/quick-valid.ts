/**
 * A small interpreter for the JSON Schema keywords OpenAPI documents use, for values validated once or
 * twice: answering "valid" without compiling an ajv validator saves milliseconds per schema. It is never
 * more lenient than ajv: it answers `true` only when it checked every keyword it met; any keyword it does
 * not know makes it answer `undefined`, and the caller compiles ajv (which also builds the issues when a
 * value is invalid).
 *
 * It reads either the form ajv compiles (toAjv's output) or, with `ctx.model`, the model schema itself
 * for one direction: converting a response schema for ajv cost more than interpreting it once, so the
 * model is read as is and what toAjv would change is applied on the way (hidden properties, and
 * discriminators, whose nodes alone are converted).
 */

export type FormatCheck = (value: unknown) => boolean | undefined;

export interface QuickContext {
  /** A converted schema registered under a $ref id. */
  resolve(ref: string): unknown;
  /** Checks a format; undefined when the format is unknown (ignored, as ajv does). */
  format(name: string, value: unknown): boolean | undefined;
  /** Set when the schema read is a model schema (canonical $refs), not toAjv's output. */
  model?: ModelReading;
}

/** How a model schema is read for one direction, as toAjv would convert it. */
export interface ModelReading {
  /** The model schema a canonical $ref points to; {} when it points nowhere (as toAjv registers it). */
  resolve(ref: string): unknown;
  /** Names of `properties` hidden in this direction (readOnly in requests, writeOnly in responses). */
  hiddenNames(schema: Record<string, unknown>): ReadonlySet<string> | undefined;
  /** toAjv's output for a node (its discriminator becomes checks only the converted form has). */
  converted(schema: Record<string, unknown>): unknown;
  /** The context reading converted schemas, for what `converted` returns. */
  plain: QuickContext;
}

const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  'title',
  'description',
  'default',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  'discriminator',
  'xml',
  'externalDocs',
  'contentMediaType',
  'contentEncoding',
  '$defs',
  'definitions',
]);

class Unsupported extends Error {}

/**
 * What a schema object asks for, read once: the interpreter visits the same item schema for every
 * element of every response, and reading a dozen keywords from schema objects of a hundred shapes
 * (megamorphic property loads) was most of its time. A plan has one shape. `null`: a keyword the
 * interpreter does not check.
 */
interface Plan {
  ref: string | undefined;
  /** Type names (each one known), or undefined. */
  types: readonly string[] | undefined;
  enum: readonly unknown[] | undefined;
  hasConst: boolean;
  const: unknown;
  discriminator: boolean;
  numeric: boolean;
  minimum: number | undefined;
  maximum: number | undefined;
  exclusiveMinimum: number | undefined;
  exclusiveMaximum: number | undefined;
  multipleOf: number | undefined;
  minLength: number | undefined;
  maxLength: number | undefined;
  pattern: RegExp | undefined;
  format: string | undefined;
  items: unknown;
  minItems: number | undefined;
  maxItems: number | undefined;
  uniqueItems: boolean;
  properties: Record<string, unknown>;
  required: readonly unknown[] | undefined;
  additionalProperties: unknown;
  minProperties: number | undefined;
  maxProperties: number | undefined;
  allOf: readonly unknown[] | undefined;
  anyOf: readonly unknown[] | undefined;
  oneOf: readonly unknown[] | undefined;
  not: unknown;
  if: unknown;
  ifThen: unknown;
  ifElse: unknown;
}

/** Plans of schema objects (converted and model schemas are not changed once made). */
const plans = new WeakMap<object, Plan | null>();
const patterns = new Map<string, RegExp>();
const TYPES = new Set(['null', 'boolean', 'string', 'number', 'integer', 'array', 'object']);

/** True or false when decided; undefined when the schema uses something this interpreter does not check. */
export function quickValid(schema: unknown, value: unknown, ctx: QuickContext): boolean | undefined {
  try {
    return check(schema, value, ctx, 0);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function planOf(schema: object): Plan {
  let plan = plans.get(schema);
  if (plan === undefined) {
    plan = makePlan(schema as Record<string, unknown>);
    plans.set(schema, plan);
  }
  if (plan === null) throw new Unsupported();
  return plan;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const list = (v: unknown): readonly unknown[] | undefined => (Array.isArray(v) ? v : undefined);

function makePlan(s: Record<string, unknown>): Plan | null {
  for (const key in s) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) return null;
  }
  let types: readonly string[] | undefined;
  if (s.type !== undefined) {
    const named = Array.isArray(s.type) ? s.type : [s.type];
    if (!named.every((t) => typeof t === 'string' && TYPES.has(t))) return null;
    types = named as string[];
  }
  if (s.exclusiveMinimum !== undefined && typeof s.exclusiveMinimum !== 'number') return null;
  if (s.exclusiveMaximum !== undefined && typeof s.exclusiveMaximum !== 'number') return null;
  if (Array.isArray(s.items)) return null;
  let pattern: RegExp | undefined;
  if (typeof s.pattern === 'string') {
    pattern = patterns.get(s.pattern);
    if (!pattern) {
      try {
        pattern = new RegExp(s.pattern);
      } catch {
        return null;
      }
      patterns.set(s.pattern, pattern);
    }
  }
  const plan: Plan = {
    ref: typeof s.$ref === 'string' ? s.$ref : undefined,
    types,
    enum: s.enum === undefined ? undefined : Array.isArray(s.enum) ? s.enum : [],
    hasConst: 'const' in s,
    const: s.const,
    discriminator: s.discriminator !== undefined,
    numeric: false,
    minimum: num(s.minimum),
    maximum: num(s.maximum),
    exclusiveMinimum: num(s.exclusiveMinimum),
    exclusiveMaximum: num(s.exclusiveMaximum),
    multipleOf: num(s.multipleOf),
    minLength: num(s.minLength),
    maxLength: num(s.maxLength),
    pattern,
    format: typeof s.format === 'string' ? s.format : undefined,
    items: s.items,
    minItems: num(s.minItems),
    maxItems: num(s.maxItems),
    uniqueItems: s.uniqueItems === true,
    properties: isPlainObject(s.properties) ? s.properties : NONE,
    required: list(s.required),
    additionalProperties: s.additionalProperties,
    minProperties: num(s.minProperties),
    maxProperties: num(s.maxProperties),
    allOf: list(s.allOf),
    anyOf: list(s.anyOf),
    oneOf: list(s.oneOf),
    not: s.not,
    if: s.if,
    ifThen: s.then,
    ifElse: s.else,
  };
  plan.numeric =
    plan.minimum !== undefined ||
    plan.maximum !== undefined ||
    plan.exclusiveMinimum !== undefined ||
    plan.exclusiveMaximum !== undefined ||
    plan.multipleOf !== undefined;
  return plan;
}

function check(schema: unknown, value: unknown, ctx: QuickContext, depth: number): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || depth > 64)
    throw new Unsupported();
  const p = planOf(schema);
  const model = ctx.model;
  if (model !== undefined && p.discriminator) {
    return check(model.converted(schema as Record<string, unknown>), value, model.plain, depth + 1);
  }
  if (p.ref !== undefined && !check((model ?? ctx).resolve(p.ref) ?? fail(), value, ctx, depth + 1))
    return false;
  if (p.types !== undefined && !typeMatches(p.types, value)) return false;
  if (p.enum !== undefined && !p.enum.some((e) => equal(e, value))) return false;
  if (p.hasConst && !equal(p.const, value)) return false;
  if (typeof value === 'string') {
    if (!stringOk(p, value, ctx)) return false;
  } else {
    if (p.numeric && typeof value === 'number' && !numberOk(p, value)) return false;
    if (p.format !== undefined && ctx.format(p.format, value) === false) return false;
  }
  if (Array.isArray(value)) {
    if (!arrayOk(p, value, ctx, depth)) return false;
  } else if (value !== null && typeof value === 'object') {
    if (!objectOk(p, schema as Record<string, unknown>, value as Record<string, unknown>, ctx, depth))
      return false;
  }
  if (p.allOf !== undefined && !p.allOf.every((sub) => check(sub, value, ctx, depth + 1))) return false;
  if (p.anyOf !== undefined && !p.anyOf.some((sub) => check(sub, value, ctx, depth + 1))) return false;
  if (p.oneOf !== undefined && p.oneOf.filter((sub) => check(sub, value, ctx, depth + 1)).length !== 1)
    return false;
  if (p.not !== undefined && check(p.not, value, ctx, depth + 1)) return false;
  if (p.if !== undefined) {
    // if/then/else (how discriminators are checked): the branch the value's answer to `if` selects.
    const branch = check(p.if, value, ctx, depth + 1) ? p.ifThen : p.ifElse;
    if (branch !== undefined && !check(branch, value, ctx, depth + 1)) return false;
  }
  return true;
}

const KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
]);

function fail(): never {
  throw new Unsupported();
}

function typeMatches(types: readonly string[], value: unknown): boolean {
  for (let i = 0; i < types.length; i++) if (typeIs(types[i], value)) return true;
  return false;
}

function typeIs(t: string | undefined, value: unknown): boolean {
  switch (t) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      throw new Unsupported();
  }
}

function numberOk(p: Plan, n: number): boolean {
  if (p.minimum !== undefined && n < p.minimum) return false;
  if (p.maximum !== undefined && n > p.maximum) return false;
  if (p.exclusiveMinimum !== undefined && n <= p.exclusiveMinimum) return false;
  if (p.exclusiveMaximum !== undefined && n >= p.exclusiveMaximum) return false;
  if (p.multipleOf !== undefined) {
    // ajv's multipleOfPrecision 9: decimal steps must not fail on float noise.
    const d = n / p.multipleOf;
    if (Math.abs(Math.round(d) - d) > 1e-9) return false;
  }
  return true;
}

function stringOk(p: Plan, value: string, ctx: QuickContext): boolean {
  if (p.minLength !== undefined || p.maxLength !== undefined) {
    const length = codePoints(value); // as ajv counts
    if (p.minLength !== undefined && length < p.minLength) return false;
    if (p.maxLength !== undefined && length > p.maxLength) return false;
  }
  if (p.pattern !== undefined && !p.pattern.test(value)) return false;
  if (p.format !== undefined && ctx.format(p.format, value) === false) return false;
  return true;
}

/** Length in code points, without building an array of them. */
function codePoints(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

function arrayOk(p: Plan, value: unknown[], ctx: QuickContext, depth: number): boolean {
  if (p.minItems !== undefined && value.length < p.minItems) return false;
  if (p.maxItems !== undefined && value.length > p.maxItems) return false;
  if (p.items !== undefined) {
    for (let i = 0; i < value.length; i++) if (!check(p.items, value[i], ctx, depth + 1)) return false;
  }
  if (p.uniqueItems) {
    for (let i = 0; i < value.length; i++) {
      for (let j = i + 1; j < value.length; j++) if (equal(value[i], value[j])) return false;
    }
  }
  return true;
}

function objectOk(
  p: Plan,
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  ctx: QuickContext,
  depth: number,
): boolean {
  if (p.minProperties !== undefined || p.maxProperties !== undefined) {
    const count = Object.keys(value).length;
    if (p.minProperties !== undefined && count < p.minProperties) return false;
    if (p.maxProperties !== undefined && count > p.maxProperties) return false;
  }
  // Reading a model: a hidden property is not required (toAjv leaves it out of `required`) and must be
  // absent (toAjv makes its schema `not: {}`).
  const hidden = p.properties === NONE ? undefined : ctx.model?.hiddenNames(s);
  if (p.required !== undefined) {
    for (const k of p.required) {
      if (typeof k !== 'string' || !(Object.hasOwn(value, k) || hidden?.has(k) === true)) return false;
    }
  }
  const properties = p.properties;
  const additional = p.additionalProperties;
  for (const key in value) {
    if (Object.hasOwn(properties, key)) {
      if (hidden?.has(key) === true) return false;
      if (!check(properties[key], value[key], ctx, depth + 1)) return false;
    } else if (additional !== undefined && !check(additional, value[key], ctx, depth + 1)) {
      return false;
    }
  }
  return true;
}

const NONE: Record<string, unknown> = Object.freeze({});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep equality of JSON values, as ajv's enum, const and uniqueItems use it. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
