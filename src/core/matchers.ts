/** The operators a flow expectation may use on a value. */
export interface MatcherOps {
  eq?: unknown;
  ne?: unknown;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  contains?: unknown;
  matches?: string;
  exists?: boolean;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  in?: unknown[];
  length?: number;
}

export type MatcherSpec = string | number | boolean | null | MatcherOps;

export interface MatchFailure {
  expected: string;
  actual: string;
}

/** Checks a value (undefined when absent) against a matcher; returns what failed, or undefined when it matched. */
export function match(actual: unknown, spec: MatcherSpec): MatchFailure | undefined {
  const ops: MatcherOps = spec !== null && typeof spec === 'object' ? spec : { eq: spec };
  const fail = (expected: string): MatchFailure => ({ expected, actual: show(actual) });
  if (ops.exists !== undefined) {
    if (ops.exists !== (actual !== undefined)) return fail(ops.exists ? 'present' : 'absent');
  } else if (actual === undefined) {
    return fail(describe(ops));
  }
  if ('eq' in ops && !equal(actual, ops.eq)) return fail(show(ops.eq));
  if ('ne' in ops && equal(actual, ops.ne)) return fail(`not ${show(ops.ne)}`);
  if (ops.gt !== undefined && !(typeof actual === 'number' && actual > ops.gt)) return fail(`> ${ops.gt}`);
  if (ops.gte !== undefined && !(typeof actual === 'number' && actual >= ops.gte))
    return fail(`≥ ${ops.gte}`);
  if (ops.lt !== undefined && !(typeof actual === 'number' && actual < ops.lt)) return fail(`< ${ops.lt}`);
  if (ops.lte !== undefined && !(typeof actual === 'number' && actual <= ops.lte))
    return fail(`≤ ${ops.lte}`);
  if ('contains' in ops && !contains(actual, ops.contains)) return fail(`containing ${show(ops.contains)}`);
  if (ops.matches !== undefined && !(typeof actual === 'string' && new RegExp(ops.matches).test(actual))) {
    return fail(`matching /${ops.matches}/`);
  }
  if (
    ops.type !== undefined &&
    typeOf(actual) !== ops.type &&
    !(ops.type === 'number' && typeOf(actual) === 'integer')
  ) {
    return fail(`a ${ops.type}`);
  }
  if (ops.in !== undefined && !ops.in.some((v) => equal(actual, v))) return fail(`one of ${show(ops.in)}`);
  if (ops.length !== undefined && lengthOf(actual) !== ops.length) return fail(`length ${ops.length}`);
  return undefined;
}

function describe(ops: MatcherOps): string {
  const parts = Object.entries(ops).map(([k, v]) => (k === 'eq' ? show(v) : `${k} ${show(v)}`));
  return parts.join(', ') || 'present';
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (Array.isArray(haystack)) return haystack.some((v) => equal(v, needle));
  return false;
}

/** Deep, strict equality for JSON values ("12" is not 12). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Compact display of a value for expected/actual, bounded in length. */
export function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
