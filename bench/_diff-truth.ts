// What the diff benchmarks check every differ against, independently of any differ: the operations
// of the old raw document that are missing from the new one. Operations are keyed "METHOD /path/{}"
// with path parameter names blanked, so a renamed parameter is not counted as a removal.

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface RawDocument {
  paths?: Record<string, Record<string, unknown>>;
}

/** "METHOD /path/{}" for one operation, parameter names blanked. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^{}]+\}/g, '{}')}`;
}

/** Keys of the operations under one path of a raw document (empty when the path is absent). */
export function pathOperations(doc: RawDocument, path: string): string[] {
  const item = doc.paths?.[path] ?? {};
  return METHODS.filter((m) => m in item).map((m) => operationKey(m, path));
}

/** Keys of every operation in a raw document. */
export function rawOperations(doc: RawDocument): Set<string> {
  const out = new Set<string>();
  for (const path of Object.keys(doc.paths ?? {})) {
    for (const key of pathOperations(doc, path)) out.add(key);
  }
  return out;
}

/** Keys of the operations of `before` missing from `after`. */
export function removedOperations(before: RawDocument, after: RawDocument): string[] {
  const kept = rawOperations(after);
  return [...rawOperations(before)].filter((k) => !kept.has(k));
}
