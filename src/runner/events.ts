import type { GateVerdict } from '../core/gate.js';
import type { CheckResult, Outcome } from '../core/result.js';

/** What a run is about; sent first so subscribers can lay out their view. */
export interface RunInfo {
  runId: string;
  playbook?: { name: string; version: string; title?: string; file: string };
  stage: { id: string; title?: string };
  environment?: { name: string; baseUrl: string };
  /** Spec the checks validate against. */
  spec?: { title: string; version: string; format: string; source: string };
  seed: number;
  checks: { id: string; kind: string; title: string; required: boolean }[];
}

/** The versioned report every writer serialises (docs/report-format.md). */
export interface RunReport {
  formatVersion: 1;
  tool: { name: 'gangway'; version: string };
  run: RunInfo;
  /** passed: gate open; failed: gate blocked; errored: Gangway could not finish; cancelled: interrupted. */
  outcome: 'passed' | 'failed' | 'errored' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** True when the run was interrupted (Ctrl-C): results are partial. */
  interrupted: boolean;
  gate: GateVerdict;
  checks: CheckResult[];
  counts: Record<Outcome, number>;
}

export type RunEvent =
  | { type: 'run.started'; at: string; run: RunInfo }
  | { type: 'check.started'; at: string; checkId: string; kind: string; title: string }
  | { type: 'check.progress'; at: string; checkId: string; message: string; done?: number; total?: number }
  | { type: 'check.finished'; at: string; result: CheckResult }
  | { type: 'gate.evaluated'; at: string; gate: GateVerdict }
  | { type: 'run.finished'; at: string; report: RunReport };

export type RunListener = (event: RunEvent) => void;
