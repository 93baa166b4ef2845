import type { Diagnostic } from '../core/errors.js';
import { getAt, isObject, parsePointer } from './pointer.js';
import { readSource, type SourceFile } from './source.js';

/** Where a $ref points: a file URL and a fragment pointer ("" for the whole file). */
export interface RefTarget {
  url: string;
  pointer: string;
}

/** A $ref found in a file, kept to check its target. */
interface RefSite {
  file: SourceFile;
  path: string[];
  ref: string;
}

/**
 * The root document and every file it references, each read once. Refs stay refs: nothing is
 * dereferenced eagerly, targets are looked up on demand.
 */
export class DocumentSet {
  private readonly files = new Map<string, SourceFile>();

  constructor(readonly root: SourceFile) {
    this.files.set(root.url, root);
  }

  add(file: SourceFile): void {
    this.files.set(file.url, file);
  }

  has(url: string): boolean {
    return this.files.has(url);
  }

  file(url: string): SourceFile | undefined {
    return this.files.get(url);
  }

  /** Resolves a $ref string against the URL of the file that holds it. */
  target(ref: string, baseUrl: string): RefTarget {
    if (ref.startsWith('#')) return { url: baseUrl, pointer: ref.slice(1) };
    const hash = ref.indexOf('#');
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    const url = new URL(hash === -1 ? ref : ref.slice(0, hash), baseUrl).href;
    return { url, pointer };
  }

  /** The value at a target, or undefined when the file or the pointer does not exist. */
  get(target: RefTarget): unknown {
    const file = this.files.get(target.url);
    return file ? getAt(file.data, parsePointer(target.pointer)) : undefined;
  }

  /** The canonical spelling of a target: "#/..." in the root file, "<url>#/..." elsewhere. */
  canonical(target: RefTarget): string {
    return target.url === this.root.url ? `#${target.pointer}` : `${target.url}#${target.pointer}`;
  }

  /**
   * Follows a chain of $ref objects (parameters, responses...) to the first non-ref value.
   * Returns undefined for a dangling or circular chain.
   */
  deref(value: unknown, baseUrl: string): { value: unknown; url: string; pointer?: string } | undefined {
    let current = value;
    let url = baseUrl;
    let pointer: string | undefined;
    for (let hops = 0; hops < 32; hops++) {
      if (!isObject(current) || typeof current.$ref !== 'string') return { value: current, url, pointer };
      const target = this.target(current.$ref, url);
      current = this.get(target);
      if (current === undefined) return undefined;
      url = target.url;
      pointer = target.pointer;
    }
    return undefined;
  }
}

/** Loads the files the root references (transitively) and checks that every $ref resolves. */
export async function loadReferencedFiles(
  docs: DocumentSet,
  cwd: string,
  options: { externalRefs?: boolean } = {},
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const failed = new Map<string, string>();
  const sites: RefSite[] = [];
  let pending: SourceFile[] = [docs.root];
  while (pending.length > 0) {
    const wanted = new Set<string>();
    for (const file of pending) {
      walkRefs(file.data, (path, ref) => {
        sites.push({ file, path, ref });
        if (ref.startsWith('#')) return;
        let url: string;
        try {
          url = docs.target(ref, file.url).url;
        } catch {
          return; // reported below as an unresolvable target
        }
        if (!docs.has(url) && !failed.has(url)) wanted.add(url);
      });
    }
    const loaded = await Promise.all(
      [...wanted].map(async (url) => {
        if (options.externalRefs === false) {
          failed.set(url, 'references to other documents are not followed here: send one bundled document');
          return undefined;
        }
        try {
          return await readSource(url, cwd);
        } catch (error) {
          failed.set(url, error instanceof Error ? error.message : String(error));
          return undefined;
        }
      }),
    );
    pending = loaded.filter((f): f is SourceFile => f !== undefined);
    for (const f of pending) docs.add(f);
  }
  for (const site of sites) {
    let problem: string | undefined;
    try {
      const target = docs.target(site.ref, site.file.url);
      const why = failed.get(target.url);
      if (why !== undefined) problem = `$ref ${site.ref} cannot be loaded: ${why}`;
      else if (docs.get(target) === undefined) problem = `$ref ${site.ref} points to nothing`;
    } catch {
      problem = `$ref ${site.ref} is not a valid reference`;
    }
    if (problem !== undefined) {
      const refPath = [...site.path, '$ref'];
      diagnostics.push({
        file: site.file.display,
        ...site.file.locate(refPath),
        path: refPath.join('.'),
        message: problem,
      });
    }
  }
  return diagnostics;
}

/** Keys whose value is a map from user-chosen names to objects (a name there is never a keyword). */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
  'schemas',
  'parameters',
  'responses',
  'requestBodies',
  'headers',
  'securitySchemes',
  'securityDefinitions',
  'links',
  'callbacks',
  'pathItems',
  'content',
  'encoding',
  'paths',
  'webhooks',
  'variables',
]);
/** Keys holding literal values, whose content may legitimately contain a "$ref" key. */
const LITERALS = new Set(['example', 'default', 'enum', 'const', 'value']);

/** Calls onRef for every $ref in a document, skipping examples, defaults and extensions. */
export function walkRefs(root: unknown, onRef: (path: string[], ref: string) => void): void {
  const path: string[] = [];
  const visit = (node: unknown, kind: 'node' | 'map' | 'examples'): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        visit(node[i], 'node');
        path.pop();
      }
      return;
    }
    const obj = node as Record<string, unknown>;
    if (kind === 'map') {
      for (const key in obj) {
        path.push(key);
        visit(obj[key], 'node');
        path.pop();
      }
      return;
    }
    if (typeof obj.$ref === 'string') onRef(path.slice(), obj.$ref);
    if (kind === 'examples') return;
    for (const key in obj) {
      if (key === '$ref' || LITERALS.has(key) || key.startsWith('x-')) continue;
      const child = obj[key];
      if (child === null || typeof child !== 'object') continue;
      path.push(key);
      if (key === 'examples') {
        if (!Array.isArray(child)) {
          for (const name in child as Record<string, unknown>) {
            path.push(name);
            visit((child as Record<string, unknown>)[name], 'examples');
            path.pop();
          }
        }
      } else {
        visit(child, NAME_MAPS.has(key) && !Array.isArray(child) ? 'map' : 'node');
      }
      path.pop();
    }
  };
  visit(root, 'node');
}
