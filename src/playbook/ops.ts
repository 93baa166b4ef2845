import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import type { ActionConfig, EscalationPolicy, MonitorConfig, SeverityConfig } from '../core/ops/types.js';
import { analyseCheckEntry, type EntryInfo } from './check-entries.js';
import { issuesToProblems } from './issues.js';
import { type DetectorTargets, ms, normaliseDetector } from './ops-detectors.js';
import type { actionSchema, escalationSchema, severitySchema } from './ops-schema.js';
import { opsFields } from './ops-schema.js';
import type { NotifierConfig, NotifierKindSchema, PlaybookOps } from './ops-types.js';
import { type DocPath, isMap, type Problem } from './path.js';
import type { CheckKindSchema } from './schema.js';
import { notDeclared as declared } from './semantics.js';
import { didYouMean } from './suggest.js';

export type { NotifierConfig, NotifierKindSchema, PlaybookOps } from './ops-types.js';

type Action = z.infer<typeof actionSchema>;
type Severity = z.infer<typeof severitySchema>;
type Policy = z.infer<typeof escalationSchema>;

const MIN_INTERVAL_MS = 100;
const MAX_TIMEOUT_MS = 5 * 60_000;

/** The default severities when a playbook declares none of its own naming. */
export const DEFAULT_SEVERITIES: Record<
  string,
  { title: string; clocks: Record<string, string | undefined> }
> = {
  SEV1: {
    title: 'Critical',
    clocks: { acknowledge: '15m', firstResolutionAttempt: '60m', mitigate: '2h', resolve: '4h' },
  },
  SEV2: {
    title: 'Major',
    clocks: { acknowledge: '30m', firstResolutionAttempt: '2h', mitigate: '8h', resolve: '24h' },
  },
  SEV3: { title: 'Minor', clocks: { acknowledge: '4h', resolve: '3d' } },
  SEV4: { title: 'Low', clocks: { resolve: '14d' } },
};

const opsSchema = z.object(opsFields);

interface Input {
  raw: Record<string, unknown>;
  kinds: readonly CheckKindSchema[];
  notifierKinds: readonly NotifierKindSchema[] | undefined;
  /** Every stage check entry, to resolve `use: stage/check`. */
  entries: readonly EntryInfo[];
  problems: Problem[];
  baseDirOf: (path: DocPath) => string;
}

/**
 * Cross-checks and normalises monitors, detectors, severities, escalation, notifiers and actions.
 * Schema errors of these fields are reported by the playbook schema itself; this adds what it cannot
 * express (references between them, check entries, conditions) and returns undefined when anything
 * is wrong.
 */
export function analyseOps(input: Input): PlaybookOps | undefined {
  const { raw, problems } = input;
  const parsed = opsSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const before = problems.length;
  const ops = parsed.data;
  const environments = isMap(raw.environments) ? Object.keys(raw.environments) : [];
  const targets = raw.targets as DetectorTargets;

  const severities = normaliseSeverities(ops.severities ?? {});
  const severityIds = severities.map((s) => s.id);
  const notifiers = normaliseNotifiers(ops.notifiers ?? {}, input);
  const notifierNames = Object.keys(ops.notifiers ?? {});
  const monitors = normaliseMonitors(ops.monitors ?? [], environments, input);
  const monitorIds = monitors.map((m) => m.id);
  const actions = normaliseActions(ops.actions ?? {}, monitorIds, notifiers, input);
  const actionIds = actions.map((a) => a.id);
  const runbooks = isMap(raw.runbooks) ? Object.keys(raw.runbooks) : [];
  const detectors = (ops.detectors ?? []).flatMap((d, i) => {
    const refs = { severityIds, monitorIds, actionIds, runbooks, targets };
    const one = normaliseDetector(d, ['detectors', i], refs, problems);
    return one ? [one] : [];
  });
  const rawDetectors = ops.detectors ?? [];
  unique(
    rawDetectors.map((d) => d.id ?? d.kind),
    'detectors',
    'detector',
    problems,
    rawDetectors,
  );
  const escalation = Object.entries(ops.escalation ?? {}).flatMap(([severity, policy]) => {
    const path = ['escalation', severity];
    if (!severityIds.includes(severity)) {
      problems.push({
        path,
        at: 'key',
        message: `unknown severity "${severity}"`,
        hint: declared(severity, severityIds, 'severities'),
      });
    }
    return [normalisePolicy(severity, policy, path, notifierNames, problems)];
  });
  checkDrills(
    ops.drills,
    rawDetectors.map((d) => d.id ?? d.kind),
    environments,
    problems,
  );
  if (problems.length > before) return undefined;
  return { monitors, detectors, severities, escalation, actions, notifiers };
}

/** A drill scenario names a declared detector; a fault switch belongs to a declared environment. */
function checkDrills(
  drills: z.infer<typeof opsSchema>['drills'],
  detectorIds: string[],
  environments: string[],
  problems: Problem[],
): void {
  for (const [name, scenario] of Object.entries(drills?.scenarios ?? {})) {
    if (detectorIds.includes(scenario.detector)) continue;
    problems.push({
      path: ['drills', 'scenarios', name, 'detector'],
      message: `unknown detector "${scenario.detector}"`,
      hint: declared(scenario.detector, detectorIds, 'detectors'),
    });
  }
  for (const env of Object.keys(drills?.faultSwitches ?? {})) {
    if (environments.includes(env)) continue;
    problems.push({
      path: ['drills', 'faultSwitches', env],
      at: 'key',
      message: `unknown environment "${env}"`,
      hint: declared(env, environments, 'environments'),
    });
  }
}

function unique(
  ids: (string | undefined)[],
  list: string,
  what: string,
  problems: Problem[],
  raw: unknown[],
): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    if (seen.has(id)) {
      const explicit = isMap(raw[i]) && 'id' in (raw[i] as object);
      problems.push({
        path: explicit ? [list, i, 'id'] : [list, i],
        message: `duplicate ${what} id "${id}"`,
        hint: `give each ${what} its own id`,
      });
    }
    seen.add(id);
  });
}

function normaliseSeverities(declaredMap: Record<string, Severity>): SeverityConfig[] {
  const names = Object.keys(declaredMap);
  const own = names.some((n) => !/^SEV\d$/.test(n));
  const merged: Record<string, { title?: string; clocks: Record<string, string | undefined> }> = own
    ? {}
    : structuredClone(DEFAULT_SEVERITIES);
  for (const [name, s] of Object.entries(declaredMap)) {
    const { title, ...clocks } = s ?? {};
    merged[name] = {
      title: title ?? merged[name]?.title ?? name,
      clocks: { ...(own ? {} : merged[name]?.clocks), ...clocks },
    };
  }
  const ids = Object.keys(merged);
  return ids
    .map((id, i) => {
      const s = merged[id]!;
      const clock = (name: string) => (s.clocks[name] === undefined ? null : parseDuration(s.clocks[name]));
      const sev = /^SEV(\d)$/.exec(id);
      return {
        id,
        title: s.title ?? id,
        rank: own || !sev ? i + 1 : Number(sev[1]),
        clocks: {
          acknowledge: clock('acknowledge'),
          firstResolutionAttempt: clock('firstResolutionAttempt'),
          mitigate: clock('mitigate'),
          resolve: clock('resolve'),
        },
      };
    })
    .sort((a, b) => a.rank - b.rank);
}

function normaliseNotifiers(
  declaredMap: Record<string, { type: string }>,
  input: Input,
): Record<string, NotifierConfig> {
  const out: Record<string, NotifierConfig> = {};
  for (const [name, value] of Object.entries(declaredMap)) {
    const path = ['notifiers', name];
    const { type, ...options } = value as { type: string } & Record<string, unknown>;
    const kind = input.notifierKinds?.find((k) => k.type === type);
    if (input.notifierKinds && !kind) {
      const names = input.notifierKinds.map((k) => k.type);
      const suggestion = didYouMean(type, names);
      input.problems.push({
        path: [...path, 'type'],
        message: `unknown notifier type "${type}"; known types: ${names.join(', ')}`,
        ...(suggestion && { hint: suggestion }),
      });
      continue;
    }
    if (!kind) {
      out[name] = { name, type, options };
      continue;
    }
    const parsed = kind.options.safeParse(options);
    if (!parsed.success) {
      input.problems.push(
        ...issuesToProblems(parsed.error.issues, { schema: kind.options, data: options, prefix: path }),
      );
      continue;
    }
    out[name] = { name, type, options: parsed.data };
  }
  return out;
}

function normaliseMonitors(
  list: z.infer<typeof opsFields.monitors> & object,
  environments: string[],
  input: Input,
): MonitorConfig[] {
  const { problems } = input;
  const out: MonitorConfig[] = [];
  const ids: (string | undefined)[] = [];
  list.forEach((m, i) => {
    const path: DocPath = ['monitors', i];
    if (!environments.includes(m.environment)) {
      problems.push({
        path: [...path, 'environment'],
        message: `unknown environment "${m.environment}"`,
        hint: declared(m.environment, environments, 'environments'),
      });
    }
    const everyMs = parseDuration(m.every);
    if (everyMs < MIN_INTERVAL_MS) {
      problems.push({
        path: [...path, 'every'],
        message: `a monitor runs at most every ${MIN_INTERVAL_MS}ms; got ${m.every}`,
      });
    }
    const check = monitorCheck(m, path, input);
    ids.push(m.id ?? check?.id);
    if (!check) return;
    const config: MonitorConfig = {
      id: m.id ?? check.id,
      environment: m.environment,
      everyMs,
      jitterMs: m.jitter === undefined ? Math.round(everyMs / 10) : parseDuration(m.jitter),
      check: {
        kind: check.kind,
        options: check.options,
        timeoutMs:
          m.timeout === undefined
            ? Math.min(everyMs, check.timeoutMs, MAX_TIMEOUT_MS)
            : parseDuration(m.timeout),
      },
    };
    if (m.use !== undefined) config.from = m.use;
    out.push(config);
  });
  unique(ids, 'monitors', 'monitor', problems, list);
  return out;
}

function monitorCheck(
  m: { check?: unknown; use?: string | undefined },
  path: DocPath,
  input: Input,
): { id: string; kind: string; options: unknown; timeoutMs: number } | undefined {
  const { problems } = input;
  if ((m.check === undefined) === (m.use === undefined)) {
    problems.push({
      path,
      message: 'a monitor needs exactly one of check (a check entry) or use (<stage>/<check id>)',
    });
    return undefined;
  }
  if (m.use !== undefined) {
    const [stageId, checkId] = m.use.split('/') as [string, string];
    const stages = Array.isArray(input.raw.stages) ? input.raw.stages : [];
    const stageIndex = stages.findIndex((s) => isMap(s) && s.id === stageId);
    const found = input.entries.find((e) => e.stageIndex === stageIndex && e.id === checkId);
    if (stageIndex < 0 || !found) {
      const ids = input.entries.filter((e) => e.stageIndex === stageIndex).map((e) => e.id ?? '');
      problems.push({
        path: [...path, 'use'],
        message:
          stageIndex < 0 ? `unknown stage "${stageId}"` : `stage "${stageId}" has no check "${checkId}"`,
        hint:
          stageIndex < 0
            ? 'write <stage id>/<check id>, e.g. sandbox/contract'
            : declared(checkId, ids, `stage ${stageId}`),
      });
      return undefined;
    }
    if (!found.entry) return undefined; // its own problems are already reported
    return {
      id: found.entry.id,
      kind: found.entry.kind,
      options: found.entry.options,
      timeoutMs: found.entry.timeoutMs,
    };
  }
  const info = analyseCheckEntry(m.check, [...path, 'check'], input.kinds, problems);
  if (!info.entry) return undefined;
  info.entry.baseDir = input.baseDirOf(info.optionsPath ?? [...path, 'check']);
  return {
    id: info.entry.id,
    kind: info.entry.kind,
    options: info.entry.options,
    timeoutMs: info.entry.timeoutMs,
  };
}

function normalisePolicy(
  severity: string,
  policy: Policy,
  path: DocPath,
  notifierNames: string[],
  problems: Problem[],
): EscalationPolicy {
  const long = Array.isArray(policy) ? { levels: policy } : policy;
  const levelsPath = Array.isArray(policy) ? path : [...path, 'levels'];
  let previous = -1;
  const levels = long.levels.map((level, i) => {
    const after = level.after ?? level.unacknowledgedAfter;
    if (i > 0 && after === undefined) {
      problems.push({
        path: [...levelsPath, i],
        message: `escalation level ${i + 1} needs after (how long unacknowledged before it is notified)`,
      });
    }
    const afterMs = after === undefined ? 0 : parseDuration(after);
    if (after !== undefined && afterMs <= previous && i > 0) {
      problems.push({
        path: [...levelsPath, i, level.after !== undefined ? 'after' : 'unacknowledgedAfter'],
        message: `escalation level ${i + 1} must come later than level ${i}`,
      });
    }
    previous = afterMs;
    level.notify.forEach((name, j) => {
      if (!notifierNames.includes(name)) {
        problems.push({
          path: [...levelsPath, i, 'notify', j],
          message: `unknown notifier "${name}"`,
          hint: declared(name, notifierNames, 'notifiers'),
        });
      }
    });
    return { notify: level.notify, afterMs };
  });
  const updates = Array.isArray(policy) ? [] : (policy.updates ?? []);
  updates.forEach((name, j) => {
    if (!notifierNames.includes(name)) {
      problems.push({
        path: [...path, 'updates', j],
        message: `unknown notifier "${name}"`,
        hint: declared(name, notifierNames, 'notifiers'),
      });
    }
  });
  const gaps = levels.slice(1).map((l, i) => l.afterMs - levels[i]!.afterMs);
  const repeatAfter = Array.isArray(policy) ? undefined : policy.repeatAfter;
  return {
    severity,
    levels,
    repeat: Array.isArray(policy) ? 0 : (policy.repeat ?? 0),
    repeatAfterMs: repeatAfter !== undefined ? parseDuration(repeatAfter) : (gaps.at(-1) ?? 15 * 60_000),
    updates,
  };
}

function normaliseActions(
  declaredMap: Record<string, Action>,
  monitorIds: string[],
  notifiers: Record<string, NotifierConfig>,
  input: Input,
): ActionConfig[] {
  return Object.entries(declaredMap).flatMap(([id, a]): ActionConfig[] => {
    const path = ['actions', id];
    const guard = {
      cooldownMs: ms(a.cooldown, 10 * 60_000),
      maxPerHour: a.maxPerHour ?? 6,
      approval: a.approval ?? 'auto',
    } as const;
    if (a.type === 'webhook')
      return [
        {
          id,
          type: 'webhook',
          purpose: a.purpose ?? id,
          url: a.url,
          ...(a.secret !== undefined ? { secret: a.secret } : {}),
          ...guard,
        },
      ];
    if (a.type === 'rerun') {
      (a.monitors ?? []).forEach((m, j) => {
        if (!monitorIds.includes(m)) {
          input.problems.push({
            path: [...path, 'monitors', j],
            message: `unknown monitor "${m}"`,
            hint: declared(m, monitorIds, 'monitors'),
          });
        }
      });
      return [{ id, type: 'rerun', monitors: a.monitors ?? [], ...guard }];
    }
    {
      const notifier = notifiers[a.notifier];
      const ticketing = input.notifierKinds?.filter((k) => k.ticketing).map((k) => k.type);
      if (!notifier) {
        input.problems.push({
          path: [...path, 'notifier'],
          message: `unknown notifier "${a.notifier}"`,
          hint: declared(a.notifier, Object.keys(notifiers), 'notifiers'),
        });
      } else if (notifier && ticketing && !ticketing.includes(notifier.type)) {
        input.problems.push({
          path: [...path, 'notifier'],
          message: `notifier "${a.notifier}" (${notifier.type}) does not open tickets; use one of type ${ticketing.join(', ')}`,
        });
      }
      return [{ id, type: 'ticket', notifier: a.notifier, ...guard }];
    }
  });
}
