import { isObject } from './pointer.js';
import type { JsonSchema } from './types.js';

const MAX_KEYS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const MIN_KEYS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);
const NESTED = new Set(['items', 'additionalProperties', 'contains', 'propertyNames', 'not']);

/**
 * Merges the members of an allOf into one schema for generation (validation still uses the
 * real allOf). Bounds take the tightest value, `required` the union, `type` and `enum` the
 * intersection, same-named properties become an allOf of both. Returns false when the members
 * visibly contradict each other.
 */
export function mergeSchemas(
  members: readonly JsonSchema[],
  resolve: (s: JsonSchema) => JsonSchema,
): JsonSchema {
  const out: Record<string, unknown> = {};
  const flat: Record<string, unknown>[] = [];
  const collect = (s: JsonSchema, depth: number): boolean => {
    if (depth > 16) return true;
    const r = resolve(s);
    if (r === false) return false;
    if (r === true || !isObject(r)) return true;
    const { allOf, $ref: _ref, ...rest } = r;
    flat.push(rest);
    if (Array.isArray(allOf)) for (const m of allOf) if (!collect(m as JsonSchema, depth + 1)) return false;
    return true;
  };
  for (const m of members) if (!collect(m, 0)) return false;
  for (const s of flat) {
    for (const key in s) {
      const v = s[key];
      const prev = out[key];
      if (prev === undefined) {
        out[key] = key === 'properties' && isObject(v) ? { ...v } : v;
        continue;
      }
      if (key === 'properties' && isObject(v) && isObject(prev)) {
        for (const name in v) prev[name] = name in prev ? { allOf: [prev[name], v[name]] } : v[name];
      } else if (key === 'required' && Array.isArray(v) && Array.isArray(prev)) {
        out.required = [...new Set([...prev, ...v])];
      } else if (key === 'type') {
        const a = Array.isArray(prev) ? prev : [prev];
        const b = Array.isArray(v) ? v : [v];
        const both = a.filter((t) => b.includes(t) || (t === 'integer' && b.includes('number')));
        for (const t of b) if (t === 'integer' && a.includes('number') && !both.includes(t)) both.push(t);
        if (both.length === 0) return false;
        out.type = both.length === 1 ? both[0] : both;
      } else if (key === 'enum' && Array.isArray(v) && Array.isArray(prev)) {
        const keys = new Set(v.map((x) => JSON.stringify(x)));
        const both = prev.filter((x) => keys.has(JSON.stringify(x)));
        if (both.length === 0) return false;
        out.enum = both;
      } else if (key === 'const') {
        if (JSON.stringify(prev) !== JSON.stringify(v)) return false;
      } else if (MAX_KEYS.has(key) && typeof v === 'number' && typeof prev === 'number') {
        out[key] = Math.max(prev, v);
      } else if (MIN_KEYS.has(key) && typeof v === 'number' && typeof prev === 'number') {
        out[key] = Math.min(prev, v);
      } else if (NESTED.has(key)) {
        if (key === 'additionalProperties' && (prev === false || v === false)) out[key] = false;
        else out[key] = { allOf: [prev, v] };
      }
      // Anything else (formats, patterns, examples, a second anyOf): the first member wins;
      // the real validator checks the result.
    }
  }
  return out;
}
