import { z } from 'zod';
import { analyseCheckEntries, type EntryInfo } from './check-entries.js';
import { invalidPlaybook, loadTree } from './extends.js';
import { issuesToProblems } from './issues.js';
import { analyseOps, type NotifierKindSchema } from './ops.js';
import { type DocPath, isMap, type Problem } from './path.js';
import { findReferenceProblems } from './references.js';
import { type CheckKindSchema, type Playbook, playbookSchemaWith, type Stage } from './schema.js';
import { checkSemantics } from './semantics.js';

export interface LoadOptions {
  /** The check kinds the playbook may use (the check registry's list). */
  kinds: readonly CheckKindSchema[];
  /**
   * Further checks on the valid playbook (e.g. against its API spec, which this layer cannot read);
   * the problems they return are located and reported like the loader's own.
   */
  verify?: (playbook: Playbook) => Promise<Problem[]>;
  /** The notifier types the playbook may use (the notifier registry's list); absent: options are not checked. */
  notifiers?: readonly NotifierKindSchema[];
}

// Check entries are validated by analyseCheckEntries, dispatching on the kind key.
const playbookSchema = playbookSchemaWith(z.unknown());

/**
 * Loads, merges (extends), validates and normalises a playbook. Every problem is collected in one pass
 * and thrown as one InputError('playbook.invalid') whose diagnostics carry file:line:column.
 */
export async function loadPlaybook(file: string, options: LoadOptions): Promise<Playbook> {
  const tree = await loadTree(file);
  const { value, origins, root } = tree;
  const problems: Problem[] = [];
  const dirOf = (path: DocPath) => origins.resolve(value, path).origin.source.dir;
  const whereIs = (path: DocPath) => {
    const d = origins.locate(value, { path, message: '' });
    return `${d.file}:${d.line}`;
  };

  if (value === null || value === undefined) {
    const empty = {
      path: [],
      message: 'the playbook is empty',
      hint: 'start with playbook:, version: and stages:',
    };
    throw invalidPlaybook(root.file, [origins.locate(value, empty)]);
  }
  const parsed = playbookSchema.safeParse(value);
  if (!parsed.success) {
    problems.push(
      ...issuesToProblems(parsed.error.issues, { schema: playbookSchema, data: value, prefix: [] }),
    );
  }
  const entries = analyseCheckEntries(value, options.kinds, problems, dirOf);
  await checkSemantics(value, entries, root.dir, problems, whereIs);
  findReferenceProblems(value, problems);
  const ops = isMap(value)
    ? analyseOps({
        raw: value,
        kinds: options.kinds,
        notifierKinds: options.notifiers,
        entries,
        problems,
        baseDirOf: dirOf,
      })
    : undefined;

  if (problems.length > 0 || !parsed.success || !ops) {
    throw invalidPlaybook(root.file, dedupe(problems.map((p) => origins.locate(value, p))));
  }
  const { stages, ...rest } = parsed.data;
  const playbook: Playbook = {
    ...rest,
    file: root.file,
    baseDir: root.dir,
    stages: stages.map((stage, i) => normaliseStage(stage, entriesOf(entries, i))),
    ops,
  };
  const later = options.verify ? await options.verify(playbook) : [];
  if (later.length > 0) throw invalidPlaybook(root.file, dedupe(later.map((p) => origins.locate(value, p))));
  return playbook;
}

function entriesOf(entries: readonly EntryInfo[], stageIndex: number) {
  return entries.filter((e) => e.stageIndex === stageIndex).map((e) => e.entry!);
}

function normaliseStage(
  stage: {
    id: string;
    title?: string;
    description?: string;
    environment?: string;
    signoff: string[];
    partnerRuns?: boolean;
    freshness?: string;
  },
  checks: Stage['checks'],
): Stage {
  const out: Stage = { id: stage.id, checks, signoff: stage.signoff };
  if (stage.title !== undefined) out.title = stage.title;
  if (stage.description !== undefined) out.description = stage.description;
  if (stage.environment !== undefined) out.environment = stage.environment;
  if (stage.partnerRuns !== undefined) out.partnerRuns = stage.partnerRuns;
  if (stage.freshness !== undefined) out.freshness = stage.freshness;
  return out;
}

function dedupe<T extends { file: string; line: number; column: number; message: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
