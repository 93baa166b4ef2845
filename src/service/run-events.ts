import { basename } from 'node:path';
import type { RunEvent, RunInfo } from '../runner/events.js';

export interface StoredEvent {
  type: string;
  data: unknown;
}

const PROGRESS_EVERY_MS = 500;

/**
 * Turns runner events into the small records a live view needs (results themselves are stored once, at
 * the end, with their evidence). Progress is thinned to one event per check every 500 ms.
 */
export function createEventCompactor(
  now: () => number = Date.now,
): (event: RunEvent) => StoredEvent | undefined {
  const lastProgress = new Map<string, number>();
  return (event) => {
    switch (event.type) {
      case 'run.started':
        return { type: event.type, data: { at: event.at, run: withoutServerPaths(event.run) } };
      case 'check.started':
        return {
          type: event.type,
          data: { at: event.at, checkId: event.checkId, kind: event.kind, title: event.title },
        };
      case 'check.progress': {
        const last = lastProgress.get(event.checkId) ?? 0;
        if (now() - last < PROGRESS_EVERY_MS && event.done !== event.total) return undefined;
        lastProgress.set(event.checkId, now());
        return {
          type: event.type,
          data: {
            at: event.at,
            checkId: event.checkId,
            message: event.message,
            ...(event.done !== undefined && { done: event.done }),
            ...(event.total !== undefined && { total: event.total }),
          },
        };
      }
      case 'check.finished': {
        const r = event.result;
        return {
          type: event.type,
          data: {
            at: event.at,
            checkId: r.id,
            outcome: r.outcome,
            summary: r.summary,
            durationMs: r.durationMs,
            findings: r.findings.length,
          },
        };
      }
      case 'gate.evaluated':
        return {
          type: event.type,
          data: {
            at: event.at,
            verdict: event.gate.verdict,
            reasons: event.gate.reasons,
            notes: event.gate.notes,
          },
        };
      case 'run.finished':
        return {
          type: event.type,
          data: {
            at: event.at,
            outcome: event.report.outcome,
            durationMs: event.report.durationMs,
            counts: event.report.counts,
          },
        };
    }
  };
}

/** The run's playbook and spec files are the server's private copies: only their names are shown. */
function withoutServerPaths(run: RunInfo): RunInfo {
  return {
    ...run,
    ...(run.playbook && { playbook: { ...run.playbook, file: basename(run.playbook.file) } }),
    ...(run.spec && { spec: { ...run.spec, source: basename(run.spec.source) } }),
  };
}
