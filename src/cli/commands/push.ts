import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { parseDocument, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { errorMessage, InputError } from '../../core/errors.js';
import type { ApiSpec } from '../../openapi/types.js';
import { loadTree } from '../../playbook/extends.js';
import type { Playbook } from '../../playbook/schema.js';
import { EXIT } from '../exit-codes.js';
import { loadPlaybookAndSpec } from '../load.js';
import type { Io } from '../output.js';
import { type ServerFlags, serverClient } from './server-client.js';

/** A playbook as the service stores it: its text (templates merged) and its spec's text. */
export interface PlaybookTexts {
  playbook: Playbook;
  spec?: ApiSpec;
  playbookText: string;
  specText: string | null;
}

interface PushAnswer {
  created: boolean;
  version: { id: string; name: string; version: string; stages: { id: string }[] };
}

export const SERVER_EXIT_CODES =
  'Exit codes: 0 done, 2 invalid input (the playbook, or the API refused: 400/401/403/404/409, with its error code), 3 server unreachable or failing.';

/** `gangway push <playbook>`: validates locally, then stores the playbook and its spec as a version. */
export function registerPush(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('push')
    .description(
      'validate a playbook and push it (with its spec) to the service as a content-addressed version',
    )
    .argument('<playbook>', 'playbook YAML file')
    .option('--server <url>', 'service URL (env GANGWAY_SERVER)')
    .option('--token <token>', 'operator or admin API token (env GANGWAY_TOKEN)')
    .addHelpText('after', `\n${SERVER_EXIT_CODES}`)
    .action(async (file: string, flags: ServerFlags) => done(await push(io, file, flags)));
}

async function push(io: Io, file: string, flags: ServerFlags): Promise<number> {
  const client = serverClient(flags, io.env);
  const texts = await playbookTexts(io, file);
  const answer = await client.post<PushAnswer>('/playbooks', {
    playbookText: texts.playbookText,
    specText: texts.specText,
  });
  const { version } = answer;
  io.out.write(
    `${answer.created ? 'created' : 'already there'}: ${version.name} ${version.version} as version ${version.id} (stages: ${version.stages.map((s) => s.id).join(', ')})\n`,
  );
  return EXIT.ok;
}

/**
 * Loads and validates a playbook like `gangway run` (errors at file:line:column), then builds the texts
 * the service stores. `gangway run --server` computes the version id from the same texts, so a pushed
 * playbook and a run of the same file agree.
 */
export async function playbookTexts(io: Io, file: string): Promise<PlaybookTexts> {
  const { playbook, spec } = await loadPlaybookAndSpec(file, io.cwd);
  const path = resolve(io.cwd, file);
  const raw = await readFile(path, 'utf8');
  const merged = extendsOf(raw) === undefined ? raw : await mergedText(playbook, path);
  const playbookText = specInside(merged);
  const specText = playbook.api ? await specTextOf(playbook.api.spec, playbook.baseDir) : null;
  return { playbook, ...(spec && { spec }), playbookText, specText };
}

function extendsOf(text: string): unknown {
  try {
    return (parseYaml(text) as { extends?: unknown } | null)?.extends;
  } catch {
    return undefined; // the loader already accepted it; unreachable in practice
  }
}

/**
 * The playbook with its templates merged, as YAML. The loader made the templates' relative paths
 * absolute; they are made relative to the playbook again, so the text (and its content address) is the
 * same on every machine. Check options with relative paths resolve against their own template's
 * directory, which a single text cannot express: such playbooks are refused.
 */
async function mergedText(playbook: Playbook, path: string): Promise<string> {
  const dir = dirname(path);
  for (const stage of playbook.stages) {
    for (const check of stage.checks) {
      const file = check.baseDir && check.baseDir !== dir ? fileIn(check.options, check.baseDir) : undefined;
      if (file !== undefined) {
        throw new InputError(
          'cli.extends-elsewhere',
          `check ${stage.id}/${check.id} names the file ${file} relative to its template in ${check.baseDir}; push cannot merge that into one text: move the template beside ${path}, or copy the check into the playbook`,
        );
      }
    }
  }
  const { value } = await loadTree(path);
  const merged = value as Record<string, unknown>;
  delete merged.extends;
  relativisePaths(merged, dir);
  return stringifyYaml(merged, { lineWidth: 0 });
}

/**
 * The service writes the spec text beside the playbook text, at api.spec when that stays inside their
 * directory: a spec elsewhere (../specs/api.yaml) is renamed to its file name, changing nothing else.
 */
function specInside(text: string): string {
  const doc = parseDocument(text);
  const spec = doc.getIn(['api', 'spec']);
  if (typeof spec !== 'string' || /^[a-z][\w+.-]*:/i.test(spec)) return text;
  const normal = spec.replaceAll('\\', '/');
  if (!isAbsolute(spec) && !normal.split('/').includes('..')) return text;
  doc.setIn(['api', 'spec'], `./${basename(normal)}`);
  return doc.toString({ lineWidth: 0 });
}

/** The first relative path among a check's option strings that names a file in the template's directory. */
function fileIn(node: unknown, dir: string): string | undefined {
  if (typeof node === 'string') {
    if (node === '' || isAbsolute(node) || /^[a-z][\w+.-]*:/i.test(node) || node.includes('\n'))
      return undefined;
    return existsSync(resolve(dir, node)) ? node : undefined;
  }
  const children = Array.isArray(node) ? node : Object.values(asMap(node) ?? {});
  for (const child of children) {
    const found = fileIn(child, dir);
    if (found !== undefined) return found;
  }
  return undefined;
}

function relativeTo(dir: string, value: unknown): unknown {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('\n')) return value;
  const rel = relative(dir, value).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function relativisePaths(value: Record<string, unknown>, dir: string): void {
  const api = asMap(value.api);
  if (api) api.spec = relativeTo(dir, api.spec);
  for (const env of Object.values(asMap(value.environments) ?? {})) {
    const tls = asMap(asMap(env)?.tls);
    if (!tls) continue;
    for (const key of ['ca', 'cert', 'key']) if (key in tls) tls[key] = relativeTo(dir, tls[key]);
  }
  const runbooks = asMap(value.runbooks);
  if (runbooks) for (const [name, p] of Object.entries(runbooks)) runbooks[name] = relativeTo(dir, p);
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The spec's text (a file or a URL); a spec that $refs other files is refused (the service gets one text). */
async function specTextOf(source: string, baseDir: string): Promise<string> {
  const remote = /^https?:\/\//i.test(source);
  const where = remote ? source : resolve(baseDir, source);
  let text: string;
  try {
    if (remote) {
      const response = await fetch(where, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } else {
      text = await readFile(where, 'utf8');
    }
  } catch (error) {
    throw new InputError('cli.spec-unreadable', `cannot read the spec ${where}: ${errorMessage(error)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    document = undefined; // the spec engine read it already; a parse quirk here only skips this check
  }
  const external = externalRef(document);
  if (external !== undefined) {
    throw new InputError(
      'cli.spec-external-refs',
      `the spec ${where} refers to another document ($ref: ${external}); the service stores one spec text: bundle it into one file first (e.g. npx @redocly/cli bundle)`,
    );
  }
  return text;
}

/** The first $ref that leaves the document, if any. */
function externalRef(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = externalRef(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const map = asMap(node);
  if (!map) return undefined;
  if (typeof map.$ref === 'string' && !map.$ref.startsWith('#')) return map.$ref;
  for (const value of Object.values(map)) {
    const found = externalRef(value);
    if (found !== undefined) return found;
  }
  return undefined;
}
