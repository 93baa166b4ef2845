import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EntryInfo } from './check-entries.js';
import { type DocPath, formatPath, isMap, type Problem } from './path.js';
import { didYouMean } from './suggest.js';

/** Sign-off role always available: the partner's own engineer, who is not an owner. */
export const PARTNER_ROLE = 'partner';

export function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

function keysOf(value: unknown): string[] {
  return isMap(value) ? Object.keys(value) : [];
}

/** The hint for a name that is not declared: a close match, else what is declared where. */
export function notDeclared(name: string, declared: string[], where: string): string {
  return (
    didYouMean(name, declared) ??
    (declared.length > 0 ? `declared ${where}: ${declared.join(', ')}` : `declare it under ${where}`)
  );
}

/**
 * Cross-reference checks the schema cannot express: unique ids, references to environments, flows
 * and owners, and the API spec file. Works on the raw document so it reports alongside schema errors.
 */
export async function checkSemantics(
  raw: unknown,
  entries: readonly EntryInfo[],
  baseDir: string,
  problems: Problem[],
  whereIs: (path: DocPath) => string,
): Promise<void> {
  if (!isMap(raw)) return;
  const environments = keysOf(raw.environments);
  const flows = keysOf(raw.flows);
  const roles = [...keysOf(raw.owners), PARTNER_ROLE];
  const stages = Array.isArray(raw.stages) ? raw.stages : [];

  const stageIds = new Map<string, DocPath>();
  stages.forEach((stage, i) => {
    if (!isMap(stage)) return;
    const id = stage.id;
    if (typeof id === 'string') {
      const first = stageIds.get(id);
      if (first) {
        problems.push({
          path: ['stages', i, 'id'],
          message: `duplicate stage id "${id}"`,
          hint: `first declared at ${formatPath(first)} (${whereIs(first)}); stage ids must be unique`,
        });
      } else {
        stageIds.set(id, ['stages', i, 'id']);
      }
    }
    if (typeof stage.environment === 'string' && !environments.includes(stage.environment)) {
      problems.push({
        path: ['stages', i, 'environment'],
        message: `stage "${String(id)}" uses environment "${stage.environment}", which is not declared`,
        hint: notDeclared(stage.environment, environments, 'environments'),
      });
    }
    if (Array.isArray(stage.signoff)) {
      stage.signoff.forEach((role, k) => {
        if (typeof role === 'string' && !roles.includes(role)) {
          problems.push({
            path: ['stages', i, 'signoff', k],
            message: `sign-off role "${role}" is not declared in owners`,
            hint:
              didYouMean(role, roles) ??
              `add it to owners (e.g. owners: { ${role}: team@example.com }) or use "${PARTNER_ROLE}"`,
          });
        }
      });
    }
  });

  checkIdsAndFlows(entries, flows, problems, whereIs);
  await checkSpec(raw, baseDir, problems);
}

function checkIdsAndFlows(
  entries: readonly EntryInfo[],
  flows: string[],
  problems: Problem[],
  whereIs: (path: DocPath) => string,
): void {
  const seen = new Map<string, EntryInfo>();
  for (const info of entries) {
    if (info.id !== undefined) {
      const key = `${info.stageIndex}\u0000${info.id}`;
      const first = seen.get(key);
      if (first) {
        const both = !info.explicitId && !first.explicitId;
        problems.push({
          path: info.explicitId ? [...info.path, 'id'] : info.path,
          message: `duplicate check id "${info.id}" in stages[${info.stageIndex}]`,
          hint: both
            ? `add \`id:\` to one of them to tell them apart; the other ${info.kind} check is at ${whereIs(first.path)}`
            : `first used at ${whereIs(first.path)}; check ids must be unique within a stage`,
        });
      } else {
        seen.set(key, info);
      }
    }
    if (!info.optionsPath) continue;
    // A flow check names its flow as a string or { flow: name }; other kinds (load) may use { flow: name }.
    const options = info.rawOptions;
    const [name, path] =
      info.kind === 'flow' && typeof options === 'string'
        ? [options, info.optionsPath]
        : isMap(options) && typeof options.flow === 'string'
          ? [options.flow, [...info.optionsPath, 'flow']]
          : [undefined, undefined];
    if (name !== undefined && path !== undefined && !flows.includes(name)) {
      problems.push({
        path,
        message: `flow "${name}" is not declared`,
        hint: notDeclared(name, flows, 'flows'),
      });
    }
  }
}

async function checkSpec(raw: Record<string, unknown>, baseDir: string, problems: Problem[]): Promise<void> {
  const spec = isMap(raw.api) ? raw.api.spec : undefined;
  // A reference is resolved at run time; a URL is fetched then: neither can be checked here.
  if (typeof spec !== 'string' || spec === '' || isUrl(spec) || spec.includes('${')) return;
  const file = resolve(baseDir, spec);
  try {
    await access(file);
  } catch {
    problems.push({
      path: ['api', 'spec'],
      message: `API spec file not found: ${spec}`,
      hint: `looked for ${file}`,
    });
  }
}
