import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkKinds } from '../checks/index.js';
import { specReferenceProblems } from '../checks/spec-references.js';
import { parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import { NOTIFIERS } from '../notify/index.js';
import { loadSpec } from '../openapi/load.js';
import type { ApiSpec } from '../openapi/types.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Playbook, Stage } from '../playbook/schema.js';
import type { PlaybookVersion, Store } from '../store/index.js';
import { notFound } from './errors.js';

/** A stored playbook version, parsed and validated like `gangway run` does, with its spec. */
export interface LoadedVersion {
  version: PlaybookVersion;
  playbook: Playbook;
  spec?: ApiSpec;
}

const ROOT = join(tmpdir(), 'gangway-playbooks');

/**
 * Parses playbook texts through the same loader as the CLI: the texts are written to a private
 * directory (playbook.yaml and the spec beside it) because the loader and the spec engine work on files.
 * Versions are content-addressed, so a parsed version never changes: it is cached, and its directory
 * stays while the process runs (checks such as the OWASP ruleset read the spec file again).
 */
export class PlaybookVersions {
  readonly #cache = new Map<string, Promise<LoadedVersion>>();
  /** Every directory made; kept until close, since a run may still read a version evicted from the cache. */
  readonly #dirs = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 32,
  ) {}

  /** The parsed version; 404 when it does not exist. */
  async get(id: string): Promise<LoadedVersion> {
    let pending = this.#cache.get(id);
    if (!pending) {
      pending = this.#load(id);
      this.#cache.set(id, pending);
      pending.catch(() => this.#cache.delete(id));
      if (this.#cache.size > this.capacity) this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return pending;
  }

  async #load(id: string): Promise<LoadedVersion> {
    const version = await this.store.playbooks.get(id);
    if (!version) throw notFound('playbook', id);
    const dir = await privateDir(id);
    try {
      const parsed = await parseTexts(version.playbookText, version.specText, dir);
      this.#dirs.add(dir);
      return { version, ...parsed };
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Removes the parsed versions' directories. */
  async close(): Promise<void> {
    this.#cache.clear();
    const dirs = [...this.#dirs];
    this.#dirs.clear();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
  }
}

/** Validates texts someone sends (a push) in a directory removed afterwards. */
export async function validateTexts(
  playbookText: string,
  specText: string | null,
): Promise<{ playbook: Playbook; spec?: ApiSpec }> {
  const dir = await privateDir('push');
  try {
    return await parseTexts(playbookText, specText, dir);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function privateDir(label: string): Promise<string> {
  await mkdir(ROOT, { recursive: true, mode: 0o700 });
  return mkdtemp(join(ROOT, `${label.slice(0, 12)}-`));
}

/**
 * Parses and validates playbook and spec texts in `dir` (the playbook's api.spec is served by specText).
 * The service reads nothing but these texts: no templates (extends), no $refs to other files or URLs, no
 * certificate files, no baseline spec files (the compatibility check) — each is refused with a clear error.
 */
async function parseTexts(
  playbookText: string,
  specText: string | null,
  dir: string,
): Promise<{ playbook: Playbook; spec?: ApiSpec }> {
  refuseServerFiles(playbookText);
  try {
    const file = join(dir, 'playbook.yaml');
    await writeFile(file, playbookText, { mode: 0o600 });
    const specFile = specText === null ? undefined : specPath(dir, playbookText, specText);
    if (specFile) {
      await mkdir(dirname(specFile), { recursive: true });
      await writeFile(specFile, specText ?? '', { mode: 0o600 });
    }
    let spec: ApiSpec | undefined;
    const playbook = await loadPlaybook(file, {
      kinds: checkKinds,
      notifiers: NOTIFIERS,
      verify: async (loaded) => {
        if (!loaded.api || !specFile) return [];
        spec = await loadSpec(specFile, { externalRefs: false });
        return specReferenceProblems(loaded, spec);
      },
    });
    const unsupported = playbook.stages.flatMap((st) =>
      st.checks.filter((c) => SERVER_UNSUPPORTED.has(c.kind)).map((c) => `${st.id}/${c.id}`),
    );
    if (unsupported.length > 0) {
      throw new InputError(
        'service.unsupported-check',
        `the service cannot run ${unsupported.join(', ')} yet: the compatibility check reads its baseline spec from a file; run that stage with \`gangway run … --server\` to upload its results`,
      );
    }
    return { playbook, ...(spec && { spec }) };
  } catch (error) {
    throw withoutTempDir(error, dir);
  }
}

const SERVER_UNSUPPORTED = new Set(['compatibility']);

/** Refuses what would make the server read its own files: templates and certificate paths. */
function refuseServerFiles(playbookText: string): void {
  let doc: { extends?: unknown; environments?: Record<string, { tls?: Record<string, unknown> }> } | null;
  try {
    doc = parseYaml(playbookText) as typeof doc;
  } catch {
    return; // the loader reports the YAML error with its position
  }
  if (doc && typeof doc === 'object' && doc.extends !== undefined) {
    throw new InputError(
      'playbook.extends',
      'the service stores one self-contained playbook: merge its template first (`gangway push` does)',
    );
  }
  for (const [name, env] of Object.entries(doc?.environments ?? {})) {
    for (const key of ['ca', 'cert', 'key']) {
      const value = env?.tls?.[key];
      if (typeof value === 'string' && !value.includes('${') && !value.trimStart().startsWith('-----BEGIN')) {
        throw new InputError(
          'playbook.tls-file',
          `environments.${name}.tls.${key} names a file; the service takes the PEM itself, e.g. \${secret.${name}_${key}}`,
        );
      }
    }
  }
}

/** Where the spec goes: the relative path api.spec names (inside the directory), else spec.json / spec.yaml. */
function specPath(dir: string, playbookText: string, specText: string): string {
  let declared: unknown;
  try {
    declared = (parseYaml(playbookText) as { api?: { spec?: unknown } } | null)?.api?.spec;
  } catch {
    declared = undefined; // the loader reports the YAML error with its position
  }
  if (typeof declared === 'string' && !/^[a-z][\w+.-]*:/i.test(declared)) {
    const target = resolve(dir, declared);
    if (target.startsWith(`${dir}${sep}`)) return target;
  }
  return join(dir, specText.trimStart().startsWith('{') ? 'spec.json' : 'spec.yaml');
}

/** Diagnostics name playbook.yaml:line:column, not the private directory the texts were parsed in. */
function withoutTempDir(error: unknown, dir: string): unknown {
  if (!(error instanceof InputError)) return error;
  const strip = (text: string) => text.replaceAll(`${dir}${sep}`, '');
  const copy = new InputError(
    error.code,
    strip(error.message),
    error.diagnostics.map((d) => ({ ...d, file: strip(d.file), message: strip(d.message) })),
  );
  return copy;
}

/** Whether a partner token may start this stage: as the playbook says, else only off production. */
export function partnerMayRun(playbook: Playbook, stage: Stage): boolean {
  if (stage.partnerRuns !== undefined) return stage.partnerRuns;
  const env = stage.environment ? playbook.environments[stage.environment] : undefined;
  return env !== undefined && !env.production;
}

/** The stage's freshness window in ms. */
export function freshnessMs(stage: Stage, fallbackMs: number): number {
  return stage.freshness ? parseDuration(stage.freshness) : fallbackMs;
}
