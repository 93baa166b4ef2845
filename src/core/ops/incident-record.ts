import type { ClockName, DetectorKind, IncidentStatus } from './types.js';

/**
 * Plain records the post-incident report and the ops metrics read. The store maps its rows onto these
 * (times are milliseconds since the epoch, absent times are null), so they hold no behaviour and no
 * store-specific shapes.
 */

/** One line of an incident's timeline: every signal, notification, acknowledgement, action and note. */
export interface TimelineEntry {
  at: number;
  /**
   * What happened: triggered, signal, escalated, acknowledged, attempt, action, runbook-step, mitigated,
   * resolved, recovered, reopened, note, breach, severity (and whatever the runtime adds, e.g. delivery).
   */
  type: string;
  /** Who: a person, `detector:<id>`, or `gangway` for timers. */
  actor: string;
  message: string;
  data: Record<string, unknown>;
}

/** A clock that ran out before its condition was met. */
export interface ClockBreach {
  clock: ClockName;
  /** When the clock was due. */
  deadline: number;
  /** When the breach was recorded (the timer fired). */
  at: number;
}

/** An incident as the report and the metrics see it. */
export interface IncidentRecord {
  id: string;
  title: string;
  severity: string;
  status: IncidentStatus;
  /** What is wrong, for people who were not there; defaults to the signal's summary. */
  problemStatement: string;
  /** Free text: who and what was affected, how badly. */
  impact: string | null;
  partners: string[];
  components: string[];
  environment: string;
  /** Whether the environment is marked production (drills never are). */
  production: boolean;
  detectorId: string | null;
  detectorKind: DetectorKind | null;
  signature: string | null;
  playbook: string | null;
  playbookVersion: string | null;
  runbook: string | null;
  /** When the problem began (the first bad sample), when known: detection time is measured from it. */
  startedAt: number | null;
  triggeredAt: number;
  acknowledgedAt: number | null;
  firstAttemptAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  breaches: ClockBreach[];
}

/** A change that may explain an incident: a playbook version, a deploy or config marker. */
export interface ChangeRecord {
  id: string;
  at: number;
  /** playbook-version, deploy, config, ... */
  kind: string;
  summary: string;
  actor: string | null;
  url: string | null;
}

/** Work agreed after an incident. */
export interface FollowUp {
  title: string;
  owner: string;
  dueAt: number | null;
  status: 'open' | 'done';
  url: string | null;
}
