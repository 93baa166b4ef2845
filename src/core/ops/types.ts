import type { Outcome, Severity } from '../result.js';

/**
 * Operations after go-live: the normalised, validated form of a playbook's `monitors`, `detectors`,
 * `severities`, `escalation` and `actions` (durations in milliseconds, defaults filled in), and the
 * values that flow between monitors, detectors and incidents. Everything here is plain JSON so it can
 * be stored between job executions and compared in tests. The logic over these types is pure: no
 * clock of its own (`now` is always passed in), no I/O.
 */

/** One finding kept on a sample: enough to tell which operation and pointer drifted. */
export interface SampleFinding {
  code: string;
  severity: Severity;
  message: string;
  operation?: string;
  pointer?: string;
}

/** One monitor execution: a check result reduced to what detectors read. */
export interface MonitorSample {
  monitorId: string;
  environment: string;
  /** Milliseconds since the epoch when the execution finished. */
  at: number;
  outcome: Outcome;
  durationMs: number;
  /**
   * The check's measurements: latency.p50/p95/p99/max, errorRate (fraction), availability (fraction),
   * requests, tls.daysLeft, credentials.tokenLifetimeS, ... (see each check kind's docs).
   */
  measurements: Record<string, number>;
  findings: SampleFinding[];
  /** Present when the check errored (the target could not be reached, a timeout, bad input). */
  error?: { code: string; message: string };
}

/** A monitor: a check entry (as in a stage) run against an environment at an interval. */
export interface MonitorConfig {
  id: string;
  environment: string;
  /** Interval between executions. */
  everyMs: number;
  /** Each execution is delayed by a random 0..jitterMs, so monitors of many partners spread out. */
  jitterMs: number;
  /** The check kind and options, as a stage check entry (resolved by the playbook loader). */
  check: { kind: string; options: unknown; timeoutMs: number };
  /** "stage/check" when the monitor reuses a stage's check definition. */
  from?: string;
}

export type DetectorKind =
  | 'schema-drift'
  | 'latency-spike'
  | 'error-rate-spike'
  | 'availability'
  | 'certificate-expiring'
  | 'credential-failing'
  | 'custom';

/** What every detector shares. */
export interface DetectorCommon {
  id: string;
  /** A severity id declared in `severities` (SEV1..SEV4 by default). */
  severity: string;
  /** Monitor ids it watches; empty: every monitor. */
  monitors: string[];
  title?: string;
  /** Runbook name (a key of the playbook's `runbooks`); default: the detector id, else its kind. */
  runbook?: string;
  /** Sliding window the detector judges over. Default 5 minutes. */
  windowMs: number;
  /**
   * Recovery: after the detector fired, the condition must stay clear for this many consecutive
   * samples (default 2) before it signals recovery.
   */
  recoverAfter: number;
  /** Flap suppression: after a recovery, a new trigger within this time re-opens the same incident (default 10 m). */
  flapMs: number;
  /** Action ids (keys of `actions`) to run when it triggers. */
  actions: string[];
  /** Whether a recovery resolves the incident by itself (default true). */
  autoResolve: boolean;
}

/** A condition compiled from a custom detector's `when` text (see condition.ts for the grammar). */
export type ConditionAst =
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'field'; path: string }
  | { type: 'not'; operand: ConditionAst }
  | { type: 'and' | 'or'; left: ConditionAst; right: ConditionAst }
  | {
      type: 'compare';
      op: '<' | '<=' | '>' | '>=' | '==' | '!=' | 'contains' | 'matches';
      left: ConditionAst;
      right: ConditionAst;
    };

export type DetectorConfig = DetectorCommon &
  (
    | { kind: 'schema-drift' /** Finding code prefixes that count as drift. */; codes: string[] }
    | {
        kind: 'latency-spike';
        /** Measurement judged, e.g. latency.p95. */
        metric: string;
        /** Absolute budget in ms (from the option, else targets.latency.p95); null: baseline only. */
        thresholdMs: number | null;
        /** Fire when the metric exceeds factor × the monitor's rolling baseline; null: threshold only. */
        baselineFactor: number | null;
        /** Samples the baseline needs before it is used. */
        baselineMin: number;
        /** Samples in the window that must exceed, and at least this share of them. */
        minSamples: number;
      }
    | { kind: 'error-rate-spike' /** Fraction, e.g. 0.05. */; cap: number; minSamples: number }
    | {
        kind: 'availability' /** "failures in window": this many failed samples within windowMs. */;
        failures: number;
      }
    | { kind: 'certificate-expiring' /** Fire when tls.daysLeft is below this. */; days: number }
    | {
        kind: 'credential-failing';
        /** Fire when credentials.tokenLifetimeS is below this many seconds (null: never on lifetime). */
        minLifetimeS: number | null;
        /** Secret age after which rotation is overdue (ms; null: not checked). */
        rotationMs: number | null;
      }
    | {
        kind: 'custom';
        /** The condition's source text, as written. */
        when: string;
        condition: ConditionAst;
        /** How many matching samples within windowMs trigger. */
        count: number;
      }
  );

/** What a detector tells the incident engine. */
export interface Signal {
  type: 'trigger' | 'update' | 'recover';
  detectorId: string;
  detectorKind: DetectorKind;
  /** Incidents are deduplicated by this key (detector + monitor + environment + e.g. operation). */
  dedupKey: string;
  severity: string;
  title: string;
  /** One line for humans: what is wrong now. */
  summary: string;
  /** Stable description of the failure for correlating with past incidents, e.g. "schema-drift:getNote:/title". */
  signature: string;
  at: number;
  monitorId: string;
  environment: string;
  details: Record<string, unknown>;
}

/** A severity level and its clocks (ms after the trigger; null when the level has no such clock). */
export interface SeverityConfig {
  id: string;
  title: string;
  /** Lower is more severe: SEV1 = 1. */
  rank: number;
  clocks: Record<ClockName, number | null>;
}

export type ClockName = 'acknowledge' | 'firstResolutionAttempt' | 'mitigate' | 'resolve';
export const CLOCKS: readonly ClockName[] = ['acknowledge', 'firstResolutionAttempt', 'mitigate', 'resolve'];

/** One escalation level: who is notified, and when if nobody has acknowledged. */
export interface EscalationLevel {
  /** Notifier names (keys of the playbook's `notifiers`). */
  notify: string[];
  /** Time after the trigger (or after the start of a repeat round) at which this level is notified if unacknowledged. 0 for the first level. */
  afterMs: number;
}

export interface EscalationPolicy {
  severity: string;
  levels: EscalationLevel[];
  /** How many more rounds through the levels while still unacknowledged (default 0). */
  repeat: number;
  /** Pause after the last level before the next round (default: the last level's gap, or 15 m). */
  repeatAfterMs: number;
  /** Notifiers told of every status change (acknowledged, mitigated, resolved) and clock breach, besides those already notified. */
  updates: string[];
}

export type ActionConfig =
  | {
      id: string;
      type: 'webhook';
      /** rollback, throttle, degraded-mode, ... (free text, shown on the timeline). */
      purpose: string;
      url: string;
      /** HMAC key reference (${secret.x}); resolved at run time. */
      secret?: string;
      cooldownMs: number;
      maxPerHour: number;
      approval: 'auto' | 'manual';
    }
  | {
      id: string;
      type: 'rerun';
      /** Monitor ids to run again now (empty: the one that triggered). */
      monitors: string[];
      cooldownMs: number;
      maxPerHour: number;
      approval: 'auto' | 'manual';
    }
  | {
      id: string;
      type: 'ticket';
      /** A notifier of a ticketing type (github, jira). */
      notifier: string;
      cooldownMs: number;
      maxPerHour: number;
      approval: 'auto' | 'manual';
    };

/** The operations half of a playbook, normalised. */
export interface OpsConfig {
  monitors: MonitorConfig[];
  detectors: DetectorConfig[];
  severities: SeverityConfig[];
  escalation: EscalationPolicy[];
  actions: ActionConfig[];
}

export type IncidentStatus = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'triggered',
  'acknowledged',
  'mitigated',
  'resolved',
];
