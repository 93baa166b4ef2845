import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type Diagnostic, formatDiagnostic, InputError } from '../core/errors.js';
import { Origins } from './origins.js';
import { type DocPath, isMap, type PathKey } from './path.js';
import { isUrl } from './semantics.js';
import { displayPath, locateIn, parseSource, type Source } from './source.js';

/** The main file merged with its templates, with the origin of every node. */
export interface Tree {
  value: unknown;
  origins: Origins;
  root: Source;
}

/** Builds the InputError every playbook problem ends in: all diagnostics, in the message too. */
export function invalidPlaybook(file: string, diagnostics: Diagnostic[]): InputError {
  const sorted = [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  const lines = sorted.map((d) => `  ${formatDiagnostic(d)}`);
  return new InputError('playbook.invalid', `${displayPath(file)}: ${count}\n${lines.join('\n')}`, sorted);
}

interface Referrer {
  source: Source;
  chain: string[];
}

/** Reads a playbook and, recursively, the templates it extends; merges them (see docs/playbook.md). */
export async function loadTree(file: string): Promise<Tree> {
  const origins = new Origins();
  const { value, source } = await loadFile(resolve(file), origins, undefined);
  return { value, origins, root: source };
}

async function loadFile(
  file: string,
  origins: Origins,
  referrer: Referrer | undefined,
): Promise<{ value: unknown; source: Source }> {
  const extendsAt = (message: string, hint?: string): InputError => {
    const source = referrer!.source;
    const d = locateIn(source, ['extends'], { path: ['extends'], message, ...(hint ? { hint } : {}) }, [
      'extends',
    ]);
    return invalidPlaybook(source.file, [d]);
  };
  const chain = referrer ? [...referrer.chain, referrer.source.file] : [];
  if (chain.includes(file)) {
    const cycle = [...chain.slice(chain.indexOf(file)), file].map(displayPath).join(' → ');
    throw extendsAt(
      `extends cycle: ${cycle}`,
      'a template cannot extend, directly or not, a file that extends it',
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (referrer)
      throw extendsAt(
        `cannot read template ${displayPath(file)} (${code ?? 'error'})`,
        'the path is relative to this file',
      );
    throw new InputError(
      code === 'ENOENT' ? 'playbook.not-found' : 'playbook.unreadable',
      code === 'ENOENT'
        ? `playbook not found: ${displayPath(file)}`
        : `cannot read playbook ${displayPath(file)} (${code})`,
      [],
      { cause: error },
    );
  }
  const { source, diagnostics } = parseSource(file, text);
  if (diagnostics.length > 0) throw invalidPlaybook(file, diagnostics);
  if (!referrer) origins.root = { source, path: [] };
  const value: unknown = source.doc.toJS();
  origins.record(value, source, []);
  if (referrer) absolutisePaths(value, source.dir);
  if (!isMap(value) || typeof value.extends !== 'string') return { value, source };

  const template = await loadFile(resolve(source.dir, value.extends), origins, { source, chain });
  return { value: merge(template.value, value, origins, []), source };
}

function absolute(dir: string, path: unknown): unknown {
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || isUrl(path) || path.includes('${'))
    return path;
  return resolve(dir, path);
}

/** Rewrites a template's relative paths against its own directory, so they survive the merge. */
function absolutisePaths(value: unknown, dir: string): void {
  if (!isMap(value)) return;
  if (isMap(value.api)) value.api.spec = absolute(dir, value.api.spec);
  if (isMap(value.environments)) {
    for (const env of Object.values(value.environments)) {
      if (!isMap(env) || !isMap(env.tls)) continue;
      for (const key of ['ca', 'cert', 'key']) if (key in env.tls) env.tls[key] = absolute(dir, env.tls[key]);
    }
  }
  if (isMap(value.runbooks)) {
    for (const [name, path] of Object.entries(value.runbooks)) value.runbooks[name] = absolute(dir, path);
  }
}

/**
 * Deep merge of a template (base) and the file extending it (over): maps merge key by key; scalars and
 * lists from `over` replace; top-level `stages` merge by id. A map whose `type` differs (an auth block
 * switching from bearer to basic) replaces rather than merges, since mixing the two is never meant.
 */
export function merge(base: unknown, over: unknown, origins: Origins, path: DocPath): unknown {
  if (path.length === 1 && path[0] === 'stages' && Array.isArray(base) && Array.isArray(over)) {
    return mergeStages(base, over, origins);
  }
  if (!isMap(base) || !isMap(over)) return over;
  if ('type' in base && 'type' in over && base.type !== over.type) return over;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    result[key] = value;
    origins.copy(base, key, result, key);
  }
  for (const [key, value] of Object.entries(over)) {
    result[key] = key in base ? merge(base[key], value, origins, [...path, key]) : value;
    origins.copy(over, key, result, key);
  }
  return result;
}

function mergeStages(base: unknown[], over: unknown[], origins: Origins): unknown[] {
  const result = [...base];
  for (let i = 0; i < base.length; i++) origins.copy(base, i, result, i);
  const replaced = new Set<number>();
  over.forEach((stage, j) => {
    const id = isMap(stage) ? stage.id : undefined;
    // Only template stages are replaced: two child stages with one id stay, to be reported as duplicates.
    const index =
      typeof id === 'string' ? base.findIndex((s, i) => !replaced.has(i) && isMap(s) && s.id === id) : -1;
    const target: PathKey = index >= 0 ? index : result.length;
    if (index >= 0) replaced.add(index);
    result[target as number] = stage;
    origins.copy(over, j, result, target);
  });
  return result;
}
