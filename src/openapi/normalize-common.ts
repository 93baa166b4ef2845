import type { Diagnostic } from '../core/errors.js';
import type { DocumentSet } from './documents.js';
import { escapeToken, isObject, parsePointer } from './pointer.js';
import { type Origins, toModel } from './schema-convert.js';
import type { SourceFile } from './source.js';
import type { JsonSchema, OpenApiVersion, Operation, Parameter } from './types.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A place in one of the files: where a value was read, for refs and diagnostics. */
export interface Loc {
  file: SourceFile;
  segments: string[];
}

export const child = (loc: Loc, ...keys: (string | number)[]): Loc => ({
  file: loc.file,
  segments: [...loc.segments, ...keys.map(String)],
});

/** Shared state of one normalisation pass. */
export class Normalizer {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly docs: DocumentSet,
    readonly version: OpenApiVersion,
    readonly origins: Origins,
  ) {}

  problem(loc: Loc, message: string): void {
    this.diagnostics.push({
      file: loc.file.display,
      ...loc.file.locate(loc.segments),
      path: loc.segments.join('.'),
      message,
    });
  }

  /** Canonical ref ("#/..." or "<url>#/...") of a location. */
  where(loc: Loc): string {
    let pointer = '';
    for (const s of loc.segments) pointer += '/' + escapeToken(s);
    return this.docs.canonical({ url: loc.file.url, pointer });
  }

  /** Follows $ref objects (parameters, responses, path items...); reports dangling ones. */
  follow(value: unknown, loc: Loc): { value: unknown; loc: Loc } | undefined {
    let current = value;
    let at = loc;
    for (let hops = 0; hops < 32; hops++) {
      if (!isObject(current) || typeof current.$ref !== 'string') return { value: current, loc: at };
      const target = this.docs.target(current.$ref, at.file.url);
      const file = this.docs.file(target.url);
      const next = this.docs.get(target);
      // Dangling refs were already reported when the files were loaded.
      if (!file || next === undefined) return undefined;
      current = next;
      at = { file, segments: parsePointer(target.pointer) };
    }
    this.problem(loc, 'circular $ref chain');
    return undefined;
  }

  /** Converts a schema found at a location to the 2020-12 model. */
  schema(raw: unknown, loc: Loc): JsonSchema {
    const baseUrl = loc.file.url;
    const canonicalRef = (ref: string) => {
      try {
        return this.docs.canonical(this.docs.target(ref, baseUrl));
      } catch {
        return ref;
      }
    };
    return toModel(
      raw,
      {
        version: this.version,
        origins: this.origins,
        canonicalRef,
        componentRef: (name) => canonicalRef(`${this.componentsPointer()}/${escapeToken(name)}`),
        subtypes: (at) => this.subtypes(at),
        rawAt: (ref) => this.rawAt(ref),
      },
      this.where(loc),
    );
  }

  private componentsPointer(): string {
    return this.version === '2.0' ? '#/definitions' : '#/components/schemas';
  }

  /** The source value at a canonical ref. */
  private rawAt(ref: string): unknown {
    try {
      return this.docs.get(this.docs.target(ref, this.docs.root.url));
    } catch {
      return undefined;
    }
  }

  private extending?: Map<string, Record<string, string>>;

  /** Component schemas of the root document that extend the schema at `at` through allOf, by name. */
  private subtypes(at: string): Record<string, string> {
    if (!this.extending) {
      this.extending = new Map();
      const segments = parsePointer(this.componentsPointer().slice(1));
      let schemas: unknown = this.docs.root.data;
      for (const s of segments) schemas = isObject(schemas) ? schemas[s] : undefined;
      if (isObject(schemas)) {
        for (const [name, schema] of Object.entries(schemas)) {
          if (!isObject(schema) || !Array.isArray(schema.allOf)) continue;
          const self = `${this.componentsPointer()}/${escapeToken(name)}`;
          for (const m of schema.allOf) {
            if (!isObject(m) || typeof m.$ref !== 'string') continue;
            let base: string;
            try {
              base = this.docs.canonical(this.docs.target(m.$ref, this.docs.root.url));
            } catch {
              continue;
            }
            const known = this.extending.get(base) ?? {};
            known[name] = this.docs.canonical(this.docs.target(self, this.docs.root.url));
            this.extending.set(base, known);
          }
        }
      }
    }
    return this.extending.get(at) ?? {};
  }

  /** Examples from `example` and `examples` (a map of Example objects, or a 2.0 mime map). */
  examples(holder: Record<string, unknown>, loc: Loc): { name: string; value: unknown }[] {
    const out: { name: string; value: unknown }[] = [];
    if ('example' in holder) out.push({ name: 'example', value: holder.example });
    if (isObject(holder.examples)) {
      for (const name in holder.examples) {
        const ex = this.follow(holder.examples[name], child(loc, 'examples', name));
        if (ex && isObject(ex.value) && 'value' in ex.value) out.push({ name, value: ex.value.value });
      }
    }
    return out;
  }
}

/** Merges path-level and operation-level parameters; the operation wins on (in, name). */
export function mergeParameters(pathLevel: readonly Parameter[], opLevel: readonly Parameter[]): Parameter[] {
  const key = (p: Parameter) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
  const merged = new Map<string, Parameter>();
  for (const p of pathLevel) merged.set(key(p), p);
  for (const p of opLevel) merged.set(key(p), p);
  return [...merged.values()];
}

/** Reports template parameters without a definition and path parameters missing from the template. */
export function checkPathParameters(
  n: Normalizer,
  path: string,
  params: readonly Parameter[],
  loc: Loc,
): void {
  const inTemplate = new Set([...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string));
  const defined = new Set(params.filter((p) => p.in === 'path').map((p) => p.name));
  for (const name of inTemplate) {
    if (!defined.has(name))
      n.problem(loc, `path parameter '${name}' is in the template ${path} but not defined`);
  }
  for (const name of defined) {
    if (!inTemplate.has(name))
      n.problem(loc, `path parameter '${name}' is defined but not in the template ${path}`);
  }
}

/** Assigns ids ("operationId", else "METHOD /path") and reports duplicate operationIds. */
export function finishOperations(n: Normalizer, ops: { op: Operation; loc: Loc }[]): Operation[] {
  const seen = new Map<string, string>();
  for (const { op, loc } of ops) {
    if (op.operationId === undefined) continue;
    const previous = seen.get(op.operationId);
    if (previous !== undefined) {
      n.problem(
        child(loc, 'operationId'),
        `duplicate operationId '${op.operationId}' (also used by ${previous})`,
      );
    } else seen.set(op.operationId, op.key);
  }
  return ops.map((o) => o.op);
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Security requirements as given (alternatives of scheme sets), or undefined when absent. */
export function securityOf(value: unknown): Record<string, string[]>[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((req) => {
    const out: Record<string, string[]> = {};
    for (const name in req) out[name] = stringList(req[name]);
    return out;
  });
}

/** Called once per path item; returns the visitor for that item's operations. */
export type PathItemVisitor = (
  path: string,
  item: { value: Record<string, unknown>; loc: Loc },
) => (method: (typeof METHODS)[number], raw: Record<string, unknown>, opLoc: Loc) => void;

/**
 * Walks `paths`: reports paths not starting with "/", path items and operations that are not objects,
 * follows path item $refs, and hands each operation object to the visitor. Keys starting with "x-" are
 * extensions; `skip` leaves out methods a version does not have (2.0 has no trace).
 */
export function eachOperation(
  n: Normalizer,
  paths: Record<string, unknown>,
  rootLoc: Loc,
  visitor: PathItemVisitor,
  skip: readonly string[] = [],
): void {
  for (const path in paths) {
    if (path.startsWith('x-')) continue;
    const itemLoc = child(rootLoc, 'paths', path);
    if (!path.startsWith('/')) n.problem(itemLoc, `path '${path}' must start with '/'`);
    const item = n.follow(paths[path], itemLoc);
    if (!item) continue;
    if (!isObject(item.value)) {
      n.problem(itemLoc, `path item '${path}' must be an object`);
      continue;
    }
    const visit = visitor(path, { value: item.value, loc: item.loc });
    for (const method of METHODS) {
      if (!(method in item.value) || skip.includes(method)) continue;
      const opLoc = child(item.loc, method);
      const raw = item.value[method];
      if (!isObject(raw)) n.problem(opLoc, `operation ${method.toUpperCase()} ${path} must be an object`);
      else visit(method, raw, opLoc);
    }
  }
}

/** The version-independent part of an operation: ids, method, tags, parameters, responses, security. */
export function baseOperation(
  n: Normalizer,
  spec: {
    method: string;
    path: string;
    raw: Record<string, unknown>;
    opLoc: Loc;
    parameters: Parameter[];
    responses: Operation['responses'];
    globalSecurity: Operation['security'];
  },
): Operation {
  const { raw, path } = spec;
  const method = spec.method.toUpperCase();
  const key = `${method} ${path}`;
  const operationId = typeof raw.operationId === 'string' ? raw.operationId : undefined;
  const op: Operation = {
    id: operationId ?? key,
    method,
    path,
    key,
    tags: stringList(raw.tags),
    deprecated: raw.deprecated === true,
    parameters: spec.parameters,
    responses: spec.responses,
    security: securityOf(raw.security) ?? spec.globalSecurity,
    pointer: n.where(spec.opLoc),
  };
  if (operationId !== undefined) op.operationId = operationId;
  if (typeof raw.summary === 'string') op.summary = raw.summary;
  return op;
}
