/** Outcome of one check. A failure is a finding about the target; an error is ours, the network's or the input's. */
export type Outcome = 'passed' | 'failed' | 'warned' | 'errored' | 'skipped';

export const OUTCOMES: readonly Outcome[] = ['passed', 'failed', 'warned', 'errored', 'skipped'];

/** Timings of one HTTP exchange in milliseconds; a phase is absent when it did not happen (reused socket). */
export interface Timings {
  dns?: number;
  connect?: number;
  tls?: number;
  firstByte?: number;
  total: number;
}

/** One recorded request/response pair, already redacted: safe to store, print and report. */
export interface Exchange {
  id: string;
  /** operationId or "METHOD /path/template" when known. */
  operation?: string;
  startedAt: string;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
    bodyTruncated?: boolean;
  };
  response?: {
    status: number;
    headers: Record<string, string>;
    body?: string;
    bodyTruncated?: boolean;
    size: number;
  };
  timings: Timings;
  /** W3C trace id sent in traceparent and x-correlation-id. */
  traceId: string;
  /** Set when no response was received (timeout, reset, limit exceeded). */
  error?: { code: string; message: string };
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding about the target: what was expected, what was seen, where, how to reproduce, what to do. */
export interface Finding {
  /** Stable machine-readable code, e.g. "response.schema". Documented in docs/report-format.md. */
  code: string;
  severity: Severity;
  message: string;
  /** operationId or "METHOD /path/template". */
  operation?: string;
  /** JSON pointer into the response body (or "header:Name", "status"). */
  pointer?: string;
  expected?: string;
  actual?: string;
  hint?: string;
  /** curl line reproducing the request, secrets redacted. */
  curl?: string;
  /** Id of the Exchange in the check's evidence. */
  exchangeId?: string;
  /** How many identical findings were merged into this one. */
  count?: number;
}

/** A threshold or condition evaluated against a measurement: keeps its source text for display. */
export interface ThresholdResult {
  expression: string;
  actual: number | null;
  passed: boolean;
}

/** One latency point for charts: t is ms since the check started. */
export interface Sample {
  t: number;
  ms: number;
  ok: boolean;
  label?: string;
}

/** What a check kind's run() returns; the runner turns it into a CheckResult. */
export interface CheckReport {
  summary: string;
  findings: Finding[];
  measurements?: Record<string, number>;
  thresholds?: ThresholdResult[];
  samples?: Sample[];
  exchanges?: Exchange[];
  /** Set when the check decided it could not apply (e.g. nothing to test). */
  skipped?: string;
}

export interface CheckResult {
  /** Unique within the stage, e.g. "contract" or "flow:checkout". */
  id: string;
  kind: string;
  title: string;
  required: boolean;
  outcome: Outcome;
  summary: string;
  startedAt: string;
  durationMs: number;
  findings: Finding[];
  measurements: Record<string, number>;
  thresholds: ThresholdResult[];
  samples: Sample[];
  exchanges: Exchange[];
  /** Present when outcome is "errored". */
  error?: { code: string; message: string };
}

/** Derives an outcome from what a check reported: errors fail, warnings warn, failed thresholds fail. */
export function outcomeOf(report: CheckReport): Outcome {
  if (report.skipped !== undefined) return 'skipped';
  if (report.findings.some((f) => f.severity === 'error')) return 'failed';
  if ((report.thresholds ?? []).some((t) => !t.passed)) return 'failed';
  if (report.findings.some((f) => f.severity === 'warning')) return 'warned';
  return 'passed';
}
