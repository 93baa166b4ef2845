import type { z } from 'zod';
import { type DocPath, isMap } from './path.js';

/** The internal definition zod 4 keeps on every schema (`schema._zod.def`); only `type` is relied on. */
type Def = { type: string } & Record<string, unknown>;

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strips wrappers (optional, default, nullable, pipe, lazy) down to the schema that decides the shape. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === 'pipe') current = def.in as z.ZodType;
    else if (def.type === 'lazy') current = (def.getter as () => z.ZodType)();
    else break;
  }
  return current;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(schema);
  return def.type === 'object' ? (def.shape as Record<string, z.ZodType>) : undefined;
}

/** Whether an object option of a union could be the one meant for `value` (its literal fields agree). */
function agrees(option: z.ZodType, value: unknown): boolean {
  const shape = shapeOf(option);
  if (!isMap(value)) return shape === undefined;
  if (!shape) return false;
  for (const [key, field] of Object.entries(shape)) {
    const def = defOf(unwrap(field));
    if (def.type === 'literal' && value[key] !== undefined && !(def.values as unknown[]).includes(value[key]))
      return false;
  }
  return true;
}

/** The concrete schemas a value may be checked against: unions narrowed by the value, intersections split. */
function expand(schema: z.ZodType, value: unknown, depth = 0): z.ZodType[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (depth > 16) return [inner];
  if (def.type === 'union') {
    const options = (def.options as z.ZodType[]).flatMap((o) => expand(o, value, depth + 1));
    const matching = options.filter((o) => agrees(o, value));
    return matching.length > 0 ? matching : options;
  }
  if (def.type === 'intersection') {
    return [
      ...expand(def.left as z.ZodType, value, depth + 1),
      ...expand(def.right as z.ZodType, value, depth + 1),
    ];
  }
  return [inner];
}

/** The schemas that apply at `path` inside `data` validated by `schema`. */
export function schemasAt(schema: z.ZodType, path: DocPath, data: unknown): z.ZodType[] {
  let current = expand(schema, data);
  let value = data;
  for (const key of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      const def = defOf(s);
      if (def.type === 'object') {
        const field = (def.shape as Record<string, z.ZodType>)[String(key)];
        if (field) next.push(field);
      } else if (def.type === 'array') {
        next.push(def.element as z.ZodType);
      } else if (def.type === 'record') {
        next.push(def.valueType as z.ZodType);
      } else if (def.type === 'tuple' && typeof key === 'number') {
        const item = (def.items as z.ZodType[])[key];
        if (item) next.push(item);
      }
    }
    value = isMap(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    current = next.flatMap((s) => expand(s, value));
  }
  return current;
}

/** The keys the object schemas at `path` allow (for "did you mean" and "allowed keys"). */
export function allowedKeysAt(schema: z.ZodType, path: DocPath, data: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path, data)) {
    for (const key of Object.keys(shapeOf(s) ?? {})) keys.add(key);
  }
  return [...keys];
}
