/**
 * Schema conversion, in two steps:
 * - toModel: a source schema (Swagger 2.0 / OpenAPI 3.0 / 3.1) to JSON Schema 2020-12 with
 *   canonical $refs ("#/..." in the root file, "<url>#/..." elsewhere). Refs are kept, never
 *   inlined, so circular schemas stay finite.
 * - toAjv: a model schema to what ajv compiles for one direction (request/response): readOnly
 *   (request) or writeOnly (response) properties leave `required`, $refs point at ajv ids.
 * Both record each output object's source location so ajv errors can name the failing keyword.
 */

import {
  coversMembers,
  type DiscriminatorSource,
  discriminatorChecks,
  discriminatorOf,
  modelDiscriminator,
} from './discriminator.js';
import { escapeToken, isObject } from './pointer.js';
import type { JsonSchema, OpenApiVersion } from './types.js';

/** Keywords whose value is one subschema. */
const SINGLE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
/** Keywords whose value is an array of subschemas. */
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value is a map of subschemas. */
const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords that never affect validation and only weigh on compiled code. */
const DROP_ALWAYS = new Set(['xml', 'externalDocs', '$schema', '$id', 'nullable', 'x-nullable']);
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', 'deprecated', '$comment']);

/** Locations of converted schema objects: "<canonical ref>" of the source node. */
export type Origins = WeakMap<object, string>;

export interface ModelContext extends DiscriminatorSource {
  version: OpenApiVersion;
  /** Turns a raw $ref found at a location into its canonical spelling. */
  canonicalRef(ref: string): string;
  origins: Origins;
}

/** Converts a source schema to a 2020-12 model schema. `at` is its canonical location. */
export function toModel(raw: unknown, ctx: ModelContext, at: string): JsonSchema {
  if (typeof raw === 'boolean') return raw;
  if (!isObject(raw)) return {};
  const legacy = ctx.version !== '3.1';
  const nullable = legacy && (raw.nullable === true || raw['x-nullable'] === true);
  if (typeof raw.$ref === 'string' && legacy) {
    // OpenAPI 2.0/3.0 ignore the siblings of $ref; nullable and access flags are honoured
    // because real documents rely on them.
    const ref: Record<string, unknown> = { $ref: ctx.canonicalRef(raw.$ref) };
    for (const k of ['readOnly', 'writeOnly', 'description']) if (k in raw) ref[k] = raw[k];
    ctx.origins.set(ref, at);
    return nullable ? wrapNull(ref, ctx, at) : ref;
  }
  const out: Record<string, unknown> = {};
  for (const key in raw) {
    const value = raw[key];
    if (DROP_ALWAYS.has(key) || key.startsWith('x-')) continue;
    if (key === 'discriminator') {
      const d = modelDiscriminator(raw, ctx, at);
      if (d) out.discriminator = d;
      continue;
    }
    if (key === '$ref') out.$ref = ctx.canonicalRef(String(value));
    else if (key === 'example') {
      if (!('examples' in raw) || legacy) out.examples = [value];
    } else if (key === 'examples' && legacy) {
    } else if (SINGLE.has(key)) {
      const here = `${at}/${key}`; // keyword names need no escaping
      if (key === 'items' && Array.isArray(value)) {
        out.prefixItems = value.map((v, i) => toModel(v, ctx, `${here}/${i}`));
      } else if (isObject(value) || typeof value === 'boolean') out[key] = toModel(value, ctx, here);
    } else if (LIST.has(key)) {
      if (Array.isArray(value)) out[key] = value.map((v, i) => toModel(v, ctx, `${at}/${key}/${i}`));
    } else if (MAP.has(key)) {
      if (isObject(value)) {
        const m: Record<string, JsonSchema> = {};
        for (const name in value) m[name] = toModel(value[name], ctx, `${at}/${key}/${escapeToken(name)}`);
        out[key] = m;
      }
    } else if (key === 'type' && value === 'file') {
      out.format = 'binary'; // Swagger 2.0 file: any content, shown as binary
    } else if (legacy && (key === 'exclusiveMinimum' || key === 'exclusiveMaximum')) {
      if (typeof value === 'number') out[key] = value;
    } else out[key] = value;
  }
  if (legacy) {
    if (raw.exclusiveMinimum === true && typeof raw.minimum === 'number') {
      out.exclusiveMinimum = raw.minimum;
      delete out.minimum;
    }
    if (raw.exclusiveMaximum === true && typeof raw.maximum === 'number') {
      out.exclusiveMaximum = raw.maximum;
      delete out.maximum;
    }
  }
  ctx.origins.set(out, at);
  return nullable ? addNull(out, ctx, at) : out;
}

function wrapNull(schema: Record<string, unknown>, ctx: ModelContext, at: string): JsonSchema {
  const wrapper: Record<string, unknown> = { anyOf: [schema, { type: 'null' }] };
  for (const k of ['readOnly', 'writeOnly', 'title', 'description', 'default', 'examples']) {
    if (k in schema) wrapper[k] = schema[k];
  }
  ctx.origins.set(wrapper, at);
  return wrapper;
}

/** Makes a converted 3.0 schema accept null, the way `nullable: true` meant. */
function addNull(out: Record<string, unknown>, ctx: ModelContext, at: string): JsonSchema {
  if ('$ref' in out || 'allOf' in out || 'anyOf' in out || 'oneOf' in out || 'not' in out) {
    return wrapNull(out, ctx, at);
  }
  if (typeof out.type === 'string') out.type = out.type === 'null' ? 'null' : [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

export type Direction = 'request' | 'response';

export interface AjvContext {
  direction: Direction;
  /** The ajv id of a canonical ref, registering its target on first use. */
  refId(ref: string): string;
  /** Whether a property schema is hidden in this direction (readOnly in requests, writeOnly in responses). */
  hidden(schema: JsonSchema): boolean;
  /** The model schema of a canonical ref (discriminator subtypes). */
  lookup?(ref: string): JsonSchema | undefined;
  origins: Origins;
}

/** Converts a model schema to the form ajv compiles for one direction. */
export function toAjv(model: JsonSchema, ctx: AjvContext): JsonSchema {
  if (typeof model === 'boolean' || !isObject(model)) return model;
  const out: Record<string, unknown> = {};
  for (const key in model) {
    const value = model[key];
    if (ANNOTATIONS.has(key) || key === 'discriminator') continue;
    if (key === '$ref') out.$ref = ctx.refId(String(value));
    else if (SINGLE.has(key)) out[key] = toAjv(value as JsonSchema, ctx);
    else if (LIST.has(key) && Array.isArray(value)) out[key] = value.map((v) => toAjv(v as JsonSchema, ctx));
    else if (MAP.has(key) && isObject(value)) {
      const m: Record<string, JsonSchema> = {};
      for (const name in value) {
        const sub = value[name] as JsonSchema;
        // A readOnly property has no place in a request, a writeOnly one none in a response.
        m[name] = key === 'properties' && ctx.hidden(sub) ? hiddenProperty(sub, ctx) : toAjv(sub, ctx);
      }
      out[key] = m;
    } else if (key === 'required' && Array.isArray(value) && isObject(model.properties)) {
      const props = model.properties;
      out.required = value.filter((name) => {
        const prop = props[String(name)];
        return prop === undefined || !ctx.hidden(prop as JsonSchema);
      });
    } else out[key] = value;
  }
  const origin = ctx.origins.get(model);
  const discriminator = discriminatorOf(model);
  if (discriminator) {
    const checks = discriminatorChecks(discriminator, origin, {
      ...ctx,
      convert: (s) => toAjv(s, ctx),
      mark: (built) => origin !== undefined && ctx.origins.set(built, `${origin}/discriminator`),
    });
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), ...checks];
    // The discriminator picks the alternative: the oneOf/anyOf it covers would only repeat its
    // complaint, and members that overlap must not fail a oneOf.
    for (const key of ['oneOf', 'anyOf'] as const) {
      const members = model[key];
      if (Array.isArray(members) && coversMembers(discriminator, members)) delete out[key];
    }
    if (Array.isArray(out.oneOf) && out.anyOf === undefined) {
      out.anyOf = out.oneOf;
      delete out.oneOf;
    }
  }
  if (origin !== undefined) ctx.origins.set(out, origin);
  return out;
}

/** Marks the schema of a property forbidden in a direction; issues.ts words its failure. */
export const HIDDEN_MARK = 'x-gangway-hidden';

/** A property that must be absent: `not: {}` (quickValid and ajv agree), marked for the message. */
function hiddenProperty(model: JsonSchema, ctx: AjvContext): JsonSchema {
  const out = { not: {}, [HIDDEN_MARK]: ctx.direction === 'request' ? 'readOnly' : 'writeOnly' };
  const origin = isObject(model) ? ctx.origins.get(model) : undefined;
  if (origin !== undefined) ctx.origins.set(out, origin);
  return out;
}
