import { isObject } from '../pointer.js';
import type { JsonSchema } from '../types.js';

/** A bound: its value and whether it is exclusive. */
export interface Bound {
  value: number;
  exclusive: boolean;
}

/**
 * What the differ compares of one schema: $refs resolved, allOf members merged, the null
 * alternative of 2.0/3.0 `nullable` (type arrays, enum null, anyOf [X, null]) folded into a flag.
 */
export interface SchemaView {
  /** Undefined: any type. "integer" and "number" kept apart (integer ⊂ number). */
  types?: Set<string>;
  nullable: boolean;
  /** Enum values without null, const as a one-value enum. */
  enum?: unknown[];
  properties: Map<string, JsonSchema>;
  required: Set<string>;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  variants?: { keyword: 'oneOf' | 'anyOf'; list: JsonSchema[] };
  upper?: Bound;
  lower?: Bound;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
  readOnly: boolean;
  writeOnly: boolean;
}

const isNullSchema = (s: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): boolean => {
  const r = resolve(s);
  return isObject(r) && r.type === 'null' && Object.keys(r).length === 1;
};

/** Unwraps `anyOf/oneOf: [X, {type: null}]`: returns X and whether null was there. */
export function unwrapNull(
  schema: Record<string, unknown>,
  resolve: (s: JsonSchema) => JsonSchema,
): { inner: JsonSchema; nullable: boolean } {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = schema[keyword];
    if (!Array.isArray(list) || list.length !== 2) continue;
    const members = list as JsonSchema[];
    const nullAt = members.findIndex((m) => isNullSchema(m, resolve));
    if (nullAt === -1) continue;
    const other = members[1 - nullAt] as JsonSchema;
    return { inner: other, nullable: true };
  }
  return { inner: schema, nullable: false };
}

/** Builds the view of a schema (already resolved or not). */
export function viewOf(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): SchemaView {
  const view: SchemaView = {
    nullable: false,
    properties: new Map(),
    required: new Set(),
    readOnly: false,
    writeOnly: false,
  };
  const seen = new Set<object>();
  const visit = (raw: JsonSchema, depth: number): void => {
    if (depth > 32) return;
    let s = resolve(raw);
    if (!isObject(s) || seen.has(s)) return;
    seen.add(s);
    if (isObject(raw) && raw !== s) {
      // 3.0 keeps readOnly/writeOnly beside a $ref.
      if (raw.readOnly === true) view.readOnly = true;
      if (raw.writeOnly === true) view.writeOnly = true;
    }
    const unwrapped = unwrapNull(s, resolve);
    if (unwrapped.nullable) {
      view.nullable = true;
      visit(unwrapped.inner, depth + 1);
      return;
    }
    s = unwrapped.inner as Record<string, unknown>;
    merge(view, s);
    if (Array.isArray(s.allOf)) for (const m of s.allOf) visit(m as JsonSchema, depth + 1);
  };
  visit(schema, 0);
  if (view.types === undefined && view.variants === undefined) {
    // Schemas often omit "type" where the keywords say it.
    if (view.properties.size > 0 || view.additionalProperties !== undefined) view.types = new Set(['object']);
    else if (view.items !== undefined) view.types = new Set(['array']);
    else if (view.enum !== undefined && view.enum.length > 0) view.types = new Set(view.enum.map(jsonType));
  }
  return view;
}

/** Adds one schema's keywords to the view; the first allOf member that sets a keyword wins. */
function merge(view: SchemaView, s: Record<string, unknown>): void {
  if (view.types === undefined && s.type !== undefined) {
    const list = (Array.isArray(s.type) ? s.type : [s.type]).filter(
      (t): t is string => typeof t === 'string',
    );
    if (list.includes('null')) view.nullable = true;
    view.types = new Set(list.filter((t) => t !== 'null'));
    if (view.types.size === 0 && list.length > 0) view.types = new Set(['null']);
  }
  if (view.enum === undefined) {
    const values = Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : undefined;
    if (values) {
      if (values.includes(null)) view.nullable = true;
      view.enum = values.filter((v) => v !== null);
    }
  }
  if (isObject(s.properties)) {
    for (const name in s.properties) {
      if (!view.properties.has(name)) view.properties.set(name, s.properties[name] as JsonSchema);
    }
  }
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') view.required.add(r);
  if (view.additionalProperties === undefined && s.additionalProperties !== undefined) {
    view.additionalProperties = s.additionalProperties as JsonSchema;
  }
  if (view.items === undefined && s.items !== undefined) view.items = s.items as JsonSchema;
  if (view.variants === undefined) {
    if (Array.isArray(s.oneOf)) view.variants = { keyword: 'oneOf', list: s.oneOf as JsonSchema[] };
    else if (Array.isArray(s.anyOf)) view.variants = { keyword: 'anyOf', list: s.anyOf as JsonSchema[] };
  }
  view.upper ??= bound(s.maximum, s.exclusiveMaximum, Math.min);
  view.lower ??= bound(s.minimum, s.exclusiveMinimum, Math.max);
  for (const key of ['maxLength', 'minLength', 'maxItems', 'minItems'] as const) {
    if (view[key] === undefined && typeof s[key] === 'number') view[key] = s[key];
  }
  if (view.pattern === undefined && typeof s.pattern === 'string') view.pattern = s.pattern;
  if (view.format === undefined && typeof s.format === 'string') view.format = s.format;
  if (s.readOnly === true) view.readOnly = true;
  if (s.writeOnly === true) view.writeOnly = true;
}

/** The effective bound from an inclusive and an exclusive value; `tighter` picks the stricter one. */
function bound(
  inclusive: unknown,
  exclusive: unknown,
  tighter: (a: number, b: number) => number,
): Bound | undefined {
  const inc = typeof inclusive === 'number' ? inclusive : undefined;
  const exc = typeof exclusive === 'number' ? exclusive : undefined;
  if (inc === undefined && exc === undefined) return undefined;
  if (inc === undefined) return { value: exc as number, exclusive: true };
  if (exc === undefined) return { value: inc, exclusive: false };
  const value = tighter(inc, exc);
  return { value, exclusive: value === exc };
}

/** The JSON Schema type of a value (integers as "integer"). */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return value === null ? 'null' : typeof value;
}
