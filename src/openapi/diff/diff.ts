import type { ApiSpec, Operation } from '../types.js';
import { DiffContext, rawOperation } from './context.js';
import { diffParameters } from './parameters.js';
import { diffRequestBody } from './request-body.js';
import { diffResponses } from './responses.js';
import { diffSecurity } from './security.js';
import type { Change, ChangeSeverity, DiffResult } from './types.js';

/** "/a/{id}/b" -> "/a/{}/b": path parameter names do not make a different operation. */
export function normalisePath(path: string): string {
  return path.replace(/\{[^{}]+\}/g, '{}');
}

const keyOf = (op: Operation): string => `${op.method} ${normalisePath(op.path)}`;
const labelOf = (op: Operation): string => `${op.method} ${op.path}`;
const SEVERITY_ORDER: Record<ChangeSeverity, number> = { breaking: 0, warning: 1, info: 2 };

/**
 * Compares two loaded specs (any mix of 2.0, 3.0, 3.1) structurally, $refs resolved: where a
 * schema lives or what its component is called is not a change. Pure: no I/O.
 */
export function diffSpecs(before: ApiSpec, after: ApiSpec): DiffResult {
  const ctx = new DiffContext(before, after);
  const newOps = new Map(after.operations.map((op) => [keyOf(op), op]));
  const oldOps = new Map(before.operations.map((op) => [keyOf(op), op]));
  const newPaths = new Set(after.operations.map((op) => normalisePath(op.path)));
  for (const [key, a] of oldOps) {
    const b = newOps.get(key);
    if (!b) {
      const pathGone = !newPaths.has(normalisePath(a.path));
      const was = a.deprecated ? ' (it was deprecated)' : '';
      if (pathGone) ctx.add('path.removed', labelOf(a), '', `path ${a.path} was removed${was}`);
      else ctx.add('operation.removed', labelOf(a), '', `operation was removed${was}`);
      continue;
    }
    diffOperation(ctx, a, b);
  }
  for (const [key, b] of newOps) {
    if (!oldOps.has(key)) ctx.add('operation.added', labelOf(b), '', 'new operation');
  }
  return result(ctx.changes);
}

function diffOperation(ctx: DiffContext, a: Operation, b: Operation): void {
  const label = labelOf(b);
  const sunset = sunsetOf(ctx.after, b);
  if (!a.deprecated && b.deprecated) {
    ctx.add(
      'operation.deprecated',
      label,
      '',
      `operation is deprecated${sunset.date ? `, sunset ${sunset.date}` : ''}`,
    );
  }
  const oldSunset = sunsetOf(ctx.before, a);
  if (sunset.date !== undefined && sunset.date !== oldSunset.date) {
    ctx.add('operation.sunset', label, '', `operation sunset date is ${sunset.date}`);
  } else if (sunset.header && !oldSunset.header) {
    ctx.add(
      'operation.sunset',
      label,
      '',
      'responses now carry a Sunset header: the operation will be retired',
    );
  }
  diffParameters(ctx, label, a, b);
  diffRequestBody(ctx, label, a, b);
  diffResponses(ctx, label, a, b);
  diffSecurity(ctx, label, a, b);
}

/** The sunset date from x-sunset, and whether any response documents a Sunset header. */
function sunsetOf(spec: ApiSpec, op: Operation): { date?: string; header: boolean } {
  const raw = rawOperation(spec, op);
  const value = raw?.['x-sunset'];
  const date =
    typeof value === 'string' ? value : value instanceof Date ? value.toISOString().slice(0, 10) : undefined;
  const header = op.responses.some((r) => Object.keys(r.headers).some((h) => h.toLowerCase() === 'sunset'));
  return date === undefined ? { header } : { date, header };
}

/** Sorts (severity, operation, location), drops duplicates (the same schema under several media types) and counts. */
function result(all: Change[]): DiffResult {
  const seen = new Set<string>();
  const changes = all.filter((c) => {
    const id = `${c.code}\u0000${c.operation}\u0000${c.location}\u0000${c.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  changes.sort(
    (x, y) =>
      SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] ||
      cmp(x.operation, y.operation) ||
      cmp(x.location, y.location) ||
      cmp(x.code, y.code),
  );
  const summary = { breaking: 0, warning: 0, info: 0 };
  for (const c of changes) summary[c.severity] += 1;
  return { changes, summary };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
