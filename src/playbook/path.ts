/** A path into a document: map keys and list indexes. */
export type PathKey = string | number;
export type DocPath = readonly PathKey[];

/** Formats a path as users read it: stages[1].checks[0].health.path. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** A plain object (a YAML map), as opposed to a list, null or a scalar. */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A problem found while validating, located by its path in the (merged) document. */
export interface Problem {
  path: DocPath;
  message: string;
  hint?: string;
  /** Point at the key of the last path element instead of its value (unknown keys). */
  at?: 'key' | 'value';
  /** Offset inside a string value (a malformed reference), used when the scalar is written plainly. */
  offset?: number;
}
