import type { Diagnostic } from '../core/errors.js';
import type { DocPath, PathKey, Problem } from './path.js';
import { locateIn, type Source } from './source.js';

/** Where a value of the merged document was written: which file, and its path in that file. */
export interface Origin {
  source: Source;
  path: DocPath;
}

/**
 * Remembers, for every key of every map and list of a (possibly merged) document, the file and path it
 * came from. With `extends`, one merged map holds keys from several files; keying by container object
 * lets subtrees taken whole from a file keep their origins without copying.
 */
export class Origins {
  private readonly byContainer = new WeakMap<object, Map<PathKey, Origin>>();

  /** Where a path that resolves nowhere points: the top of the main file. Set once it is parsed. */
  root: Origin | undefined;

  /** Records the origin of every node of a value parsed from `source`. */
  record(value: unknown, source: Source, path: DocPath): void {
    if (typeof value !== 'object' || value === null) return;
    const entries: [PathKey, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      this.set(value, key, { source, path: childPath });
      this.record(child, source, childPath);
    }
  }

  /** Copies the origin of from[fromKey] to to[toKey] (a merged container taking a value). */
  copy(from: object, fromKey: PathKey, to: object, toKey: PathKey): void {
    const origin = this.get(from, fromKey);
    if (origin) this.set(to, toKey, origin);
  }

  set(container: object, key: PathKey, origin: Origin): void {
    let keys = this.byContainer.get(container);
    if (!keys) {
      keys = new Map();
      this.byContainer.set(container, keys);
    }
    keys.set(key, origin);
  }

  get(container: unknown, key: PathKey): Origin | undefined {
    if (typeof container !== 'object' || container === null) return undefined;
    return this.byContainer.get(container)?.get(key);
  }

  /** The origin of the node at `path` in the merged value, or of its deepest existing ancestor. */
  resolve(root: unknown, path: DocPath): { origin: Origin; complete: boolean } {
    let node = root;
    let origin = this.root;
    if (!origin) throw new Error('Origins.root is not set');
    for (const key of path) {
      const next = this.get(node, key);
      if (!next) return { origin, complete: false };
      origin = next;
      node = (node as Record<PathKey, unknown>)[key];
    }
    return { origin, complete: true };
  }

  /** Turns a problem (a path in the merged document) into a diagnostic in the file that wrote it. */
  locate(root: unknown, problem: Problem): Diagnostic {
    const { origin, complete } = this.resolve(root, problem.path);
    // A missing key points at its parent map: resolve() stopped there.
    const located = complete ? problem : { ...problem, at: 'value' as const, offset: undefined };
    return locateIn(origin.source, origin.path, located, problem.path);
  }
}
