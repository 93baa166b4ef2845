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

/** Schema objects whose keywords were all found known. */
const readable = new WeakSet<object>();

/** True or false when decided; undefined when the schema uses something this interpreter does not check. */
export function quickValid(schema: unknown, value: unknown, ctx: QuickContext): boolean | undefined {
  try {
    return check(schema, value, ctx, 0);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function check(schema: unknown, value: unknown, ctx: QuickContext, depth: number): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || depth > 64)
    throw new Unsupported();
  const s = schema as Record<string, unknown>;
  if (!readable.has(s)) {
    for (const key in s) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) throw new Unsupported();
    }
    // Schemas are not changed once converted: an item schema met for every element is scanned once.
    readable.add(s);
  }
  const model = ctx.model;
  if (model !== undefined && s.discriminator !== undefined) {
    return check(model.converted(s), value, model.plain, depth + 1);
  }
  if (typeof s.$ref === 'string' && !check((model ?? ctx).resolve(s.$ref) ?? fail(), value, ctx, depth + 1))
    return false;
  if (s.type !== undefined && !typeMatches(s.type, value)) return false;
  if (s.enum !== undefined && !(Array.isArray(s.enum) && s.enum.some((e) => equal(e, value)))) return false;
  if ('const' in s && !equal(s.const, value)) return false;
  if (typeof value === 'number' && !numberOk(s, value)) return false;
  if (typeof value === 'string' && !stringOk(s, value, ctx)) return false;
  if (typeof s.format === 'string' && typeof value !== 'string' && ctx.format(s.format, value) === false)
    return false;
  if (Array.isArray(value) && !arrayOk(s, value, ctx, depth)) return false;
  if (isPlainObject(value) && !objectOk(s, value, ctx, depth)) return false;
  if (Array.isArray(s.allOf) && !s.allOf.every((sub) => check(sub, value, ctx, depth + 1))) return false;
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => check(sub, value, ctx, depth + 1))) return false;
  if (Array.isArray(s.oneOf) && s.oneOf.filter((sub) => check(sub, value, ctx, depth + 1)).length !== 1)
    return false;
  if (s.not !== undefined && check(s.not, value, ctx, depth + 1)) return false;
  if (s.if !== undefined) {
    // if/then/else (how discriminators are checked): the branch the value's answer to `if` selects.
    const branch = check(s.if, value, ctx, depth + 1) ? s.then : s.else;
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

function typeMatches(type: unknown, value: unknown): boolean {
  if (!Array.isArray(type)) return typeIs(type, value);
  return type.some((t) => typeIs(t, value));
}

function typeIs(t: unknown, value: unknown): boolean {
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

function numberOk(s: Record<string, unknown>, n: number): boolean {
  if (typeof s.minimum === 'number' && n < s.minimum) return false;
  if (typeof s.maximum === 'number' && n > s.maximum) return false;
  if (typeof s.exclusiveMinimum === 'number' && n <= s.exclusiveMinimum) return false;
  if (typeof s.exclusiveMaximum === 'number' && n >= s.exclusiveMaximum) return false;
  if (s.exclusiveMinimum !== undefined && typeof s.exclusiveMinimum !== 'number') throw new Unsupported();
  if (s.exclusiveMaximum !== undefined && typeof s.exclusiveMaximum !== 'number') throw new Unsupported();
  if (typeof s.multipleOf === 'number') {
    // ajv's multipleOfPrecision 9: decimal steps must not fail on float noise.
    const d = n / s.multipleOf;
    if (Math.abs(Math.round(d) - d) > 1e-9) return false;
  }
  return true;
}

const patterns = new Map<string, RegExp>();

function stringOk(s: Record<string, unknown>, value: string, ctx: QuickContext): boolean {
  if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
    const length = codePoints(value); // as ajv counts
    if (typeof s.minLength === 'number' && length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && length > s.maxLength) return false;
  }
  if (typeof s.pattern === 'string') {
    let re = patterns.get(s.pattern);
    if (!re) {
      try {
        re = new RegExp(s.pattern);
      } catch {
        throw new Unsupported();
      }
      patterns.set(s.pattern, re);
    }
    if (!re.test(value)) return false;
  }
  if (typeof s.format === 'string' && ctx.format(s.format, value) === false) return false;
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

function arrayOk(s: Record<string, unknown>, value: unknown[], ctx: QuickContext, depth: number): boolean {
  if (typeof s.minItems === 'number' && value.length < s.minItems) return false;
  if (typeof s.maxItems === 'number' && value.length > s.maxItems) return false;
  if (s.items !== undefined) {
    if (Array.isArray(s.items)) throw new Unsupported();
    if (!value.every((item) => check(s.items, item, ctx, depth + 1))) return false;
  }
  if (s.uniqueItems === true) {
    for (let i = 0; i < value.length; i++) {
      for (let j = i + 1; j < value.length; j++) if (equal(value[i], value[j])) return false;
    }
  }
  return true;
}

function objectOk(
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  ctx: QuickContext,
  depth: number,
): boolean {
  const keys = Object.keys(value);
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) return false;
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) return false;
  // Reading a model: a hidden property is not required (toAjv leaves it out of `required`) and must be
  // absent (toAjv makes its schema `not: {}`).
  const hidden = ctx.model?.hiddenNames(s);
  if (
    Array.isArray(s.required) &&
    !s.required.every((k) => typeof k === 'string' && (Object.hasOwn(value, k) || hidden?.has(k) === true))
  ) {
    return false;
  }
  const properties = isPlainObject(s.properties) ? s.properties : NONE;
  for (const key of keys) {
    if (Object.hasOwn(properties, key)) {
      if (hidden?.has(key) === true) return false;
      if (!check(properties[key], value[key], ctx, depth + 1)) return false;
    } else if (
      s.additionalProperties !== undefined &&
      !check(s.additionalProperties, value[key], ctx, depth + 1)
    ) {
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
