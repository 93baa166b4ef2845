// Structural comparison of two JSON values: which properties exist and what JSON type they hold,
// never the values themselves (two environments hold different data by design).

/** The JSON type of a value as drift findings name it. */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** One structural difference between the value seen in the check's environment and the other's. */
export interface ShapeDifference {
  /** JSON pointer of the property ("" for the root). */
  pointer: string;
  /** What the check's environment has: a JSON type, or "absent". */
  expected: JsonType | 'absent';
  /** What the other environment has: a JSON type, or "absent". */
  actual: JsonType | 'absent';
}

/** The JSON type of a parsed JSON value. */
export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Differences in shape between two JSON values: a property present in one and absent in the other, or
 * of another JSON type. Arrays are compared by their first elements. Null matches any type, and an empty
 * array any array: both say something about the data, not the shape. Stops after `limit` differences.
 */
export function compareShapes(expected: unknown, actual: unknown, limit = 50): ShapeDifference[] {
  const out: ShapeDifference[] = [];
  walk(expected, actual, '', out, limit);
  return out;
}

function walk(a: unknown, b: unknown, pointer: string, out: ShapeDifference[], limit: number): void {
  if (out.length >= limit || a === null || b === null) return;
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) {
    out.push({ pointer, expected: ta, actual: tb });
    return;
  }
  if (ta === 'array') {
    const [first, other] = [(a as unknown[])[0], (b as unknown[])[0]];
    if (first !== undefined && other !== undefined) walk(first, other, `${pointer}/0`, out, limit);
    return;
  }
  if (ta !== 'object') return;
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  for (const key of Object.keys(oa)) {
    if (out.length >= limit) return;
    const child = `${pointer}/${escapePointer(key)}`;
    if (!Object.hasOwn(ob, key)) out.push({ pointer: child, expected: jsonType(oa[key]), actual: 'absent' });
    else walk(oa[key], ob[key], child, out, limit);
  }
  for (const key of Object.keys(ob)) {
    if (out.length >= limit) return;
    if (!Object.hasOwn(oa, key)) {
      out.push({
        pointer: `${pointer}/${escapePointer(key)}`,
        expected: 'absent',
        actual: jsonType(ob[key]),
      });
    }
  }
}
