import { InputError } from './errors.js';

/** One step of a parsed path: a property name, an array index, or a wildcard. */
export type PathSegment = { key: string } | { index: number } | { wildcard: true };

const cache = new Map<string, PathSegment[]>();

/**
 * Parses the JSONPath subset playbooks use: `$`, `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, `[*]`, `.*`.
 * Parsed paths are cached.
 */
export function parseJsonPath(path: string): PathSegment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const text = path.trim();
  if (!text.startsWith('$')) {
    throw new InputError(
      'jsonpath.invalid',
      `"${path}" is not a JSONPath: it must start with $ (e.g. $.data[0].id)`,
    );
  }
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      const match = /^\.(\*|[^.[\]]+)/.exec(text.slice(i));
      if (!match) throw invalid(path, i);
      segments.push(match[1] === '*' ? { wildcard: true } : { key: match[1]! });
      i += match[0].length;
    } else if (ch === '[') {
      const rest = text.slice(i);
      const match = /^\[\s*(?:(\*)|(-?\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (!match) throw invalid(path, i);
      if (match[1]) segments.push({ wildcard: true });
      else if (match[2] !== undefined) segments.push({ index: Number(match[2]) });
      else segments.push({ key: (match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1') });
      i += match[0].length;
    } else {
      throw invalid(path, i);
    }
  }
  if (cache.size > 5000) cache.clear();
  cache.set(path, segments);
  return segments;
}

function invalid(path: string, at: number): InputError {
  return new InputError('jsonpath.invalid', `"${path}" is not a valid JSONPath near column ${at + 1}`);
}

/** Every value the path selects (wildcards may select several). */
export function queryJsonPath(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of parseJsonPath(path)) {
    const next: unknown[] = [];
    for (const node of current) {
      if ('wildcard' in segment) {
        if (Array.isArray(node)) next.push(...node);
        else if (isObject(node)) next.push(...Object.values(node));
      } else if ('index' in segment) {
        if (Array.isArray(node)) {
          const at = segment.index < 0 ? node.length + segment.index : segment.index;
          if (at >= 0 && at < node.length) next.push(node[at]);
        }
      } else if (isObject(node) && Object.hasOwn(node, segment.key)) {
        next.push(node[segment.key]);
      }
    }
    current = next;
  }
  return current;
}

/** The single value at a path (the first when a wildcard selects several); undefined when absent. */
export function getJsonPath(value: unknown, path: string): unknown {
  return queryJsonPath(value, path)[0];
}

/** A JSON pointer for a wildcard-free path, for findings ("$.data[0].id" → "/data/0/id"). */
export function jsonPathToPointer(path: string): string {
  return parseJsonPath(path)
    .map((s) =>
      'key' in s ? `/${s.key.replace(/~/g, '~0').replace(/\//g, '~1')}` : 'index' in s ? `/${s.index}` : '/*',
    )
    .join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
