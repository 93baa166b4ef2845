// The smallest edits that let Dredd's OpenAPI 3 parser (@apielements/openapi3-parser, Dredd 14) read
// GitHub's spec at all, so Dredd can be compared on otherwise the same document. Each edit is listed
// in the returned notes and printed by the benchmark: the published spec is never silently changed.
import type { ApiSpec } from '../src/openapi/types.js';

/** Element names of API Elements (the parser's namespace): a component with one of these names is refused. */
const RESERVED = new Set([
  'null',
  'string',
  'number',
  'boolean',
  'array',
  'object',
  'member',
  'ref',
  'link',
  'parseResult',
  'annotation',
  'sourceMap',
  'enum',
  'httpHeaders',
  'hrefVariables',
  'asset',
  'httpRequest',
  'httpResponse',
  'authScheme',
  'transition',
  'resource',
  'dataStructure',
  'copy',
  'category',
  'extension',
]);

export interface CompatResult {
  document: Record<string, unknown>;
  notes: string[];
}

/** Renames reserved component keys (and every $ref to them) in a parsed OpenAPI 3 document. */
export function dreddCompatible(text: string): CompatResult {
  const notes: string[] = [];
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const components = (parsed['components'] ?? {}) as Record<string, Record<string, unknown>>;
  const renames = new Map<string, string>();
  for (const [section, entries] of Object.entries(components)) {
    for (const key of Object.keys(entries)) {
      if (!RESERVED.has(key)) continue;
      let renamed = `${key}-component`;
      while (renamed in entries) renamed += '-';
      renames.set(`#/components/${section}/${key}`, `#/components/${section}/${renamed}`);
      notes.push(`renamed components/${section}/${key} to ${renamed} (a reserved name for Dredd's parser)`);
    }
  }
  const paramRenames = pathParameterRenames(parsed, notes);
  if (renames.size === 0 && paramRenames.size === 0) return { document: parsed, notes };
  // Rewriting the text keeps every other byte as published.
  let rewritten = text.replace(/"\$ref":\s*"(#\/components\/[^"]+)"/g, (whole, ref: string) => {
    const to = renames.get(ref);
    return to === undefined ? whole : `"$ref": "${to}"`;
  });
  for (const [from, to] of paramRenames) {
    rewritten = rewritten
      .split(`{${from}}`)
      .join(`{${to}}`)
      .split(`"name": "${from}"`)
      .join(`"name": "${to}"`);
  }
  const document = JSON.parse(rewritten) as Record<string, unknown>;
  const sections = (document['components'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [from, to] of renames) {
    const [, , section = '', key = ''] = from.split('/');
    const renamed = to.split('/').at(-1) ?? '';
    const entries = sections[section];
    if (!entries) continue;
    entries[renamed] = entries[key];
    delete entries[key];
  }
  return { document, notes };
}

/** Dredd's parser accepts path parameter names of letters, digits, "." and "_" only (GitHub has {enterprise-team}). */
function pathParameterRenames(document: Record<string, unknown>, notes: string[]): Map<string, string> {
  const renames = new Map<string, string>();
  const parameters = ((document['components'] as Record<string, unknown> | undefined)?.['parameters'] ??
    {}) as Record<string, { in?: unknown; name?: unknown }>;
  const names = [
    ...Object.keys((document['paths'] ?? {}) as Record<string, unknown>).flatMap((path) =>
      [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''),
    ),
    ...Object.values(parameters)
      .filter((p) => p.in === 'path')
      .map((p) => String(p.name)),
  ];
  for (const name of names) {
    if (/^[A-Za-z0-9._]+$/.test(name) || renames.has(name)) continue;
    const to = name.replace(/[^A-Za-z0-9._]/g, '_');
    renames.set(name, to);
    notes.push(`renamed path parameter {${name}} to {${to}} (Dredd's parser refuses other characters)`);
  }
  return renames;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * What Dredd needs and the published spec lacks: an `example` on every required parameter of the
 * kept operations: the spec's first `examples` value (Dredd reads only `example`), else one made by
 * Gangway's generator (seed 1). Operations not kept are removed, so both
 * tools run the same set. Returns how many parameters were given an example.
 */
export function withGeneratedExamples(
  document: Record<string, unknown>,
  spec: ApiSpec,
  keep: ReadonlySet<string>,
): number {
  const components = (document['components'] ?? {}) as Record<string, Record<string, unknown>>;
  const resolve = (p: unknown): Record<string, unknown> => {
    const ref = (p as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return p as Record<string, unknown>;
    return (components['parameters']?.[ref.split('/').at(-1) ?? ''] ?? {}) as Record<string, unknown>;
  };
  let filled = 0;
  const paths = (document['paths'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const raw = item[method] as { parameters?: unknown[] } | undefined;
      if (raw === undefined) continue;
      const op = spec.operation(`${method.toUpperCase()} ${path}`);
      if (op === undefined || !keep.has(op.key)) {
        delete item[method];
        continue;
      }
      const declared = [...((item['parameters'] as unknown[]) ?? []), ...(raw.parameters ?? [])];
      for (const param of declared.map(resolve)) {
        if (param['required'] !== true || 'example' in param) continue;
        // Dredd's parser reads `example` only: the spec's own `examples` are copied, not invented.
        const first = Object.values((param['examples'] ?? {}) as Record<string, { value?: unknown }>)[0];
        if (first !== undefined && 'value' in first) {
          param['example'] = first.value;
          continue;
        }
        const schema = param['schema'] as Record<string, unknown> | undefined;
        if (schema !== undefined && 'default' in schema) continue;
        const model = op.parameters.find((p) => p.name === param['name'] && p.in === param['in']);
        if (model?.schema === undefined) continue;
        param['example'] = spec.sample(model.schema, { seed: 1, direction: 'request' });
        filled++;
      }
    }
    if (!METHODS.some((m) => m in item)) delete paths[path];
  }
  return filled;
}
