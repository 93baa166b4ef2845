/**
 * OpenAPI discriminators, made checkable. The model keeps `discriminator` as { propertyName, mapping }
 * with every value mapped to a canonical $ref (explicit mapping, then implicit: schema names of the
 * oneOf/anyOf members, or of the component schemas that extend the base through allOf). For ajv it
 * becomes plain keywords: an enum of the mapped values on the property, and per value an if/then
 * requiring the body to match the mapped schema.
 */

import { isObject, parsePointer } from './pointer.js';
import type { JsonSchema } from './types.js';

/** A discriminator in the model: values to canonical refs. */
export interface ModelDiscriminator {
  propertyName: string;
  mapping: Record<string, string>;
}

/** What reading a source discriminator needs from the normaliser. */
export interface DiscriminatorSource {
  canonicalRef(ref: string): string;
  /** Canonical ref of a component schema named in a mapping ("Cat"). */
  componentRef?(name: string): string;
  /** Component schemas extending the schema at a canonical location through allOf: name to ref. */
  subtypes?(at: string): Record<string, string>;
  /** The source schema at a canonical ref. */
  rawAt?(ref: string): unknown;
}

/** Reads a 3.x discriminator object or a 2.0 property name into the model form; undefined when absent. */
export function modelDiscriminator(
  raw: Record<string, unknown>,
  src: DiscriminatorSource,
  at: string,
): ModelDiscriminator | undefined {
  const d = raw.discriminator;
  const propertyName = typeof d === 'string' ? d : isObject(d) ? d.propertyName : undefined;
  if (typeof propertyName !== 'string' || propertyName === '') return undefined;
  const mapping: Record<string, string> = {};
  if (isObject(d) && isObject(d.mapping)) {
    for (const [value, target] of Object.entries(d.mapping)) {
      if (typeof target !== 'string') continue;
      const bare = !target.includes('#') && !target.includes('/');
      mapping[value] = bare && src.componentRef ? src.componentRef(target) : src.canonicalRef(target);
    }
  }
  const members = [raw.oneOf, raw.anyOf].flatMap((list) => (Array.isArray(list) ? list : []));
  let implicit: [string, string][];
  if (members.length > 0) {
    implicit = members.flatMap((m) =>
      isObject(m) && typeof m.$ref === 'string' ? [[lastSegment(m.$ref), src.canonicalRef(m.$ref)]] : [],
    );
  } else {
    implicit = Object.entries(src.subtypes?.(at) ?? {});
    if (at.includes('#/')) implicit.unshift([lastSegment(at), at]);
  }
  const mapped = new Set(Object.values(mapping));
  for (const [name, ref] of implicit) {
    if (mapped.has(ref)) continue;
    // A member that pins the property (enum/const) names itself: the spec says so plainly, and
    // documents that rely on it are common. So does Azure's `x-ms-discriminator-value` (every Azure
    // REST spec with a polymorphic type: the value is not the schema's name).
    const source = src.rawAt?.(ref);
    const azure = isObject(source) ? source['x-ms-discriminator-value'] : undefined;
    const pinned = typeof azure === 'string' ? [azure] : pinnedValues(source, propertyName);
    for (const value of pinned ?? [name]) if (!(value in mapping)) mapping[value] = ref;
  }
  return Object.keys(mapping).length > 0 ? { propertyName, mapping } : undefined;
}

/** String values a source schema fixes for a property (enum or const, directly or in allOf members). */
function pinnedValues(raw: unknown, name: string, depth = 0): string[] | undefined {
  if (!isObject(raw) || depth > 2) return undefined;
  const prop = isObject(raw.properties) ? raw.properties[name] : undefined;
  if (isObject(prop)) {
    if (typeof prop.const === 'string') return [prop.const];
    if (Array.isArray(prop.enum) && prop.enum.every((v) => typeof v === 'string'))
      return prop.enum as string[];
  }
  if (Array.isArray(raw.allOf)) {
    for (const m of raw.allOf) {
      const found = pinnedValues(m, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The last segment of a $ref's pointer, unescaped: the implicit discriminator value of a schema. */
export function lastSegment(ref: string): string {
  const hash = ref.indexOf('#');
  const segments = parsePointer(hash === -1 ? '' : ref.slice(hash + 1));
  return segments.at(-1) ?? ref;
}

/** Reads the model's discriminator back (toAjv, generators). */
export function discriminatorOf(schema: Record<string, unknown>): ModelDiscriminator | undefined {
  const d = schema.discriminator;
  if (!isObject(d) || typeof d.propertyName !== 'string' || !isObject(d.mapping)) return undefined;
  return d as unknown as ModelDiscriminator;
}

/** Values of a discriminator that map to a ref. */
export function valuesFor(d: ModelDiscriminator, ref: string): string[] {
  return Object.keys(d.mapping).filter((v) => d.mapping[v] === ref);
}

export interface CheckContext {
  refId(ref: string): string;
  lookup?(ref: string): JsonSchema | undefined;
  convert(schema: JsonSchema): JsonSchema;
  /** Records that a built keyword object comes from the discriminator (for issue locations). */
  mark(built: object): void;
}

/**
 * The keywords ajv checks a discriminator with: the property's value is a mapped one, and a body with
 * that value matches the mapped schema. `self` is the canonical location of the discriminating schema:
 * a subtype extending it (allOf [self, own]) is checked on its own part only, or validation would loop.
 */
export function discriminatorChecks(d: ModelDiscriminator, self: string | undefined, ctx: CheckContext) {
  const prop = d.propertyName;
  const values = { enum: Object.keys(d.mapping) };
  ctx.mark(values);
  const checks: JsonSchema[] = [{ required: [prop], properties: { [prop]: values } }];
  for (const [value, ref] of Object.entries(d.mapping)) {
    if (ref === self) continue;
    const then = ownPart(ref, self, ctx) ?? { $ref: ctx.refId(ref) };
    checks.push({ if: { properties: { [prop]: { const: value } }, required: [prop] }, then });
  }
  for (const c of checks) ctx.mark(c as object);
  return checks;
}

/**
 * Whether the discriminator checks imply the oneOf/anyOf they sit beside (every member a $ref the
 * mapping reaches): then the alternatives add nothing but a second, vaguer complaint.
 */
export function coversMembers(d: ModelDiscriminator, members: readonly unknown[]): boolean {
  const targets = new Set(Object.values(d.mapping));
  return members.every((m) => isObject(m) && typeof m.$ref === 'string' && targets.has(m.$ref));
}

function ownPart(ref: string, self: string | undefined, ctx: CheckContext): JsonSchema | undefined {
  if (self === undefined) return undefined;
  const target = ctx.lookup?.(ref);
  if (!isObject(target) || !Array.isArray(target.allOf)) return undefined;
  const isSelf = (m: unknown) => isObject(m) && m.$ref === self;
  if (!target.allOf.some(isSelf)) return undefined;
  const { allOf, ...rest } = target;
  return ctx.convert({ ...rest, allOf: allOf.filter((m) => !isSelf(m)) });
}
