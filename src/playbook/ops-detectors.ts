import type { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { parseCondition } from '../core/ops/condition.js';
import type { DetectorConfig } from '../core/ops/types.js';
import type { detectorSchema } from './ops-schema.js';
import type { DocPath, Problem } from './path.js';
import { notDeclared as declared } from './semantics.js';

// A playbook detector, validated by its schema, normalised into core/ops DetectorConfig: references
// checked, defaults filled (from the playbook's targets where a kind has one), conditions parsed.

type Detector = z.infer<typeof detectorSchema>;
/** The playbook's targets a detector falls back on. */
export type DetectorTargets = { latency?: { p95?: string }; errorRate?: string } | undefined;

const DEFAULT_WINDOW_MS = 5 * 60_000;
const DEFAULT_FLAP_MS = 10 * 60_000;

/** A duration option in ms, or the default. */
export function ms(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : parseDuration(text);
}

export interface DetectorRefs {
  severityIds: string[];
  monitorIds: string[];
  actionIds: string[];
  runbooks: string[];
  targets: DetectorTargets;
}

/** One detector, or undefined when it has problems (pushed to `problems`). */
export function normaliseDetector(
  d: Detector,
  path: DocPath,
  refs: DetectorRefs,
  problems: Problem[],
): DetectorConfig | undefined {
  const before = problems.length;
  const id = d.id ?? d.kind;
  if (!refs.severityIds.includes(d.severity)) {
    problems.push({
      path: [...path, 'severity'],
      message: `unknown severity "${d.severity}"`,
      hint: declared(d.severity, refs.severityIds, 'severities'),
    });
  }
  (d.monitors ?? []).forEach((m, j) => {
    if (!refs.monitorIds.includes(m)) {
      problems.push({
        path: [...path, 'monitors', j],
        message: `unknown monitor "${m}"`,
        hint: declared(m, refs.monitorIds, 'monitors'),
      });
    }
  });
  (d.actions ?? []).forEach((a, j) => {
    if (!refs.actionIds.includes(a)) {
      problems.push({
        path: [...path, 'actions', j],
        message: `unknown action "${a}"`,
        hint: declared(a, refs.actionIds, 'actions'),
      });
    }
  });
  if (d.runbook !== undefined && !refs.runbooks.includes(d.runbook)) {
    problems.push({
      path: [...path, 'runbook'],
      message: `unknown runbook "${d.runbook}"`,
      hint: declared(d.runbook, refs.runbooks, 'runbooks'),
    });
  }
  const runbook = d.runbook ?? [id, d.kind].find((name) => refs.runbooks.includes(name));
  const common = {
    id,
    severity: d.severity,
    monitors: d.monitors ?? [],
    windowMs: ms(d.window, DEFAULT_WINDOW_MS),
    recoverAfter: d.recoverAfter ?? 2,
    flapMs: ms(d.flap, DEFAULT_FLAP_MS),
    actions: d.actions ?? [],
    autoResolve: d.autoResolve ?? true,
    ...(d.title !== undefined ? { title: d.title } : {}),
    ...(runbook !== undefined ? { runbook } : {}),
  };
  const specific = kindOptions(d, path, refs.targets, problems);
  if (problems.length > before || !specific) return undefined;
  return { ...common, ...specific } as DetectorConfig;
}

function kindOptions(
  d: Detector,
  path: DocPath,
  targets: DetectorTargets,
  problems: Problem[],
): object | undefined {
  switch (d.kind) {
    case 'schema-drift':
      return { kind: d.kind, codes: d.codes ?? ['response.'] };
    case 'latency-spike': {
      const budget = d.threshold ?? targets?.latency?.p95;
      const factor = d.baseline === undefined ? null : Number(d.baseline.slice(0, -1));
      if (budget === undefined && factor === null) {
        problems.push({
          path,
          message:
            'a latency-spike detector needs a threshold, a baseline factor (e.g. 3x) or targets.latency.p95',
        });
        return undefined;
      }
      return {
        kind: d.kind,
        metric: d.metric ?? 'latency.p95',
        thresholdMs: budget === undefined ? null : parseDuration(budget),
        baselineFactor: factor,
        baselineMin: d.baselineMin ?? 10,
        minSamples: d.minSamples ?? 3,
      };
    }
    case 'error-rate-spike':
      return {
        kind: d.kind,
        cap: Number((d.cap ?? targets?.errorRate ?? '5%').slice(0, -1)) / 100,
        minSamples: d.minSamples ?? 3,
      };
    case 'availability':
      return { kind: d.kind, failures: d.failures ?? 3 };
    case 'certificate-expiring':
      return { kind: d.kind, days: d.days ?? 14 };
    case 'credential-failing':
      return {
        kind: d.kind,
        minLifetimeS: d.minLifetime === undefined ? null : parseDuration(d.minLifetime) / 1000,
        rotationMs: d.rotation === undefined ? null : parseDuration(d.rotation),
      };
    case 'custom':
      try {
        return { kind: d.kind, when: d.when, condition: parseCondition(d.when), count: d.count ?? 1 };
      } catch (error) {
        const column = conditionColumn(error);
        problems.push({
          path: [...path, 'when'],
          message: conditionMessage(error),
          ...(column !== undefined ? { offset: column - 1 } : {}),
        });
        return undefined;
      }
  }
}

/** The reason of a condition parse error (its column is pointed at by the location, not repeated). */
function conditionMessage(error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string') return `invalid condition: ${reason}`;
  return error instanceof Error ? error.message : String(error);
}

/** The 1-based column a condition parse error names, if it carries one. */
function conditionColumn(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { column?: unknown; details?: { column?: unknown } };
  const column = e.column ?? e.details?.column;
  return typeof column === 'number' ? column : undefined;
}
