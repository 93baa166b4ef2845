import { isObject } from './pointer.js';
import type { JsonSchema } from './types.js';

/** The type names a schema states (`type: x` or `type: [x, y]`); [] when it states none. */
export function schemaTypes(schema: JsonSchema): string[] {
  if (!isObject(schema)) return [];
  const t = schema.type;
  return Array.isArray(t)
    ? t.filter((x): x is string => typeof x === 'string')
    : typeof t === 'string'
      ? [t]
      : [];
}

/** Every property name an object schema may have, through $refs and allOf/anyOf/oneOf members. */
export function propertyNames(schema: JsonSchema, resolve: (schema: JsonSchema) => JsonSchema): string[] {
  const names = new Set<string>();
  const visit = (s: JsonSchema, depth: number): void => {
    const r = resolve(s);
    if (!isObject(r) || depth > 8) return;
    if (isObject(r.properties)) for (const n in r.properties) names.add(n);
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const list = r[k];
      if (Array.isArray(list)) for (const m of list) visit(m as JsonSchema, depth + 1);
    }
  };
  visit(schema, 0);
  return [...names];
}
