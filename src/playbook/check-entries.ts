import { parseDuration } from '../core/duration.js';
import { issuesToProblems } from './issues.js';
import { type DocPath, formatPath, isMap, type PathKey, type Problem } from './path.js';
import { CHECK_META_KEYS, type CheckEntry, type CheckKindSchema, checkMetaSchema } from './schema.js';
import { didYouMean } from './suggest.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const META = new Set<string>(CHECK_META_KEYS);

/** What the loader learnt about one check entry, valid or not (semantic checks use it either way). */
export interface EntryInfo {
  path: DocPath;
  stageIndex: number;
  kind?: string;
  /** Effective id: the explicit `id`, or the default derived from the kind. */
  id?: string;
  explicitId: boolean;
  /** Path of the options value (kind key), when the entry is a map. */
  optionsPath?: DocPath;
  /** Raw options as written (null and absent mean defaults). */
  rawOptions?: unknown;
  /** Set when the entry is valid. */
  entry?: CheckEntry;
}

/** The default id of a check: its kind, or "flow:<name>" for a flow check. */
export function defaultCheckId(kind: string, rawOptions: unknown): string {
  if (kind === 'flow') {
    const name =
      typeof rawOptions === 'string' ? rawOptions : isMap(rawOptions) ? rawOptions.flow : undefined;
    if (typeof name === 'string' && name !== '') return `flow:${name}`;
  }
  return kind;
}

function kindList(kinds: readonly CheckKindSchema[]): string {
  return kinds.length === 0 ? '(none registered)' : kinds.map((k) => k.kind).join(', ');
}

/**
 * Validates every check entry of every stage by dispatching on its kind key, so option errors point
 * inside the options instead of listing why each kind of a union did not match.
 */
export function analyseCheckEntries(
  raw: unknown,
  kinds: readonly CheckKindSchema[],
  problems: Problem[],
  baseDirOf: (path: DocPath) => string,
): EntryInfo[] {
  const infos: EntryInfo[] = [];
  const stages = isMap(raw) ? raw.stages : undefined;
  if (!Array.isArray(stages)) return infos;
  stages.forEach((stage, stageIndex) => {
    if (!isMap(stage) || !Array.isArray(stage.checks)) return;
    stage.checks.forEach((value, checkIndex) => {
      const path: PathKey[] = ['stages', stageIndex, 'checks', checkIndex];
      const info = analyseCheckEntry(value, path, kinds, problems);
      info.stageIndex = stageIndex;
      if (info.entry) info.entry.baseDir = baseDirOf(info.optionsPath ?? path);
      infos.push(info);
    });
  });
  return infos;
}

/** Validates one check entry (a stage's, or a monitor's `check`), pushing located problems. */
export function analyseCheckEntry(
  value: unknown,
  path: DocPath,
  kinds: readonly CheckKindSchema[],
  problems: Problem[],
): EntryInfo {
  const info: EntryInfo = { path, stageIndex: -1, explicitId: false };
  const names = kinds.map((k) => k.kind);
  if (typeof value === 'string') {
    const kind = kinds.find((k) => k.kind === value);
    if (!kind) {
      const hint = didYouMean(value, names);
      problems.push({
        path,
        message: `unknown check kind "${value}"; known kinds: ${kindList(kinds)}`,
        ...(hint ? { hint } : {}),
      });
      return info;
    }
    Object.assign(info, { kind: value, id: value, rawOptions: undefined });
    const parsed = kind.options.safeParse({});
    if (!parsed.success) {
      problems.push({
        path,
        message: `check "${value}" has required options`,
        hint: `give them as a map: "- ${value}: <options>"; docs/playbook.md lists them`,
      });
      return info;
    }
    info.entry = {
      id: value,
      kind: value,
      required: true,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      options: parsed.data,
    };
    return info;
  }
  if (!isMap(value)) {
    problems.push({
      path,
      message: `expected a check: a kind name such as "${names[0] ?? 'health'}" or a map such as { ${names[0] ?? 'health'}: { ... } }`,
    });
    return info;
  }

  const keys = Object.keys(value).filter((k) => !META.has(k));
  const known = keys.filter((k) => names.includes(k));
  const unknown = keys.filter((k) => !names.includes(k));
  for (const key of unknown) {
    problems.push({
      path: [...path, key],
      at: 'key',
      message: `unknown key "${key}" in ${formatPath(path)}`,
      hint:
        didYouMean(key, [...names, ...CHECK_META_KEYS]) ??
        (known.length === 0
          ? `a check entry needs one kind key; known kinds: ${kindList(kinds)}`
          : `beside the kind, a check allows only: ${CHECK_META_KEYS.join(', ')}`),
    });
  }
  if (known.length > 1) {
    problems.push({
      path,
      message: `check entry has ${known.length} kinds (${known.join(', ')}); each check has exactly one`,
      hint: 'put each check in its own list item',
    });
  }
  if (known.length === 0 && unknown.length === 0) {
    problems.push({ path, message: `check entry has no kind key; known kinds: ${kindList(kinds)}` });
  }

  const meta = Object.fromEntries(Object.entries(value).filter(([k]) => META.has(k)));
  const metaResult = checkMetaSchema.safeParse(meta);
  if (!metaResult.success) {
    problems.push(
      ...issuesToProblems(metaResult.error.issues, { schema: checkMetaSchema, data: meta, prefix: path }),
    );
  }
  if (typeof meta.id === 'string') Object.assign(info, { id: meta.id, explicitId: true });
  if (known.length !== 1) return info;

  const kindName = known[0]!;
  const kind = kinds.find((k) => k.kind === kindName)!;
  const optionsPath = [...path, kindName];
  const rawOptions = value[kindName];
  Object.assign(info, { kind: kindName, optionsPath, rawOptions });
  if (!info.explicitId) info.id = defaultCheckId(kindName, rawOptions);
  // `- lint:` (no value) means default options, like `- lint`.
  const optionsInput = rawOptions === null || rawOptions === undefined ? {} : rawOptions;
  const options = kind.options.safeParse(optionsInput);
  if (!options.success) {
    problems.push(
      ...issuesToProblems(options.error.issues, {
        schema: kind.options,
        data: optionsInput,
        prefix: optionsPath,
      }),
    );
  }
  if (!options.success || !metaResult.success || unknown.length > 0) return info;

  const entry: CheckEntry = {
    id: info.id ?? kindName,
    kind: kindName,
    required: metaResult.data.required,
    timeoutMs:
      metaResult.data.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(metaResult.data.timeout),
    options: options.data,
  };
  if (metaResult.data.title !== undefined) entry.title = metaResult.data.title;
  info.entry = entry;
  return info;
}
