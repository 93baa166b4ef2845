import type { IncidentState } from './incident-types.js';
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

/** What an incident record holds that the state machine does not know: the service fills these in. */
export interface RecordContext {
  problemStatement?: string | null;
  impact?: string | null;
  partners: string[];
  components: string[];
  production: boolean;
  playbook: string | null;
  playbookVersion: string | null;
  runbook: string | null;
  /** The first bad sample's time, when the detector reported it. */
  startedAt: number | null;
}

/** The record of an incident from its state: every breach of every cycle, the times of the last cycle. */
export function recordFromState(state: IncidentState, context: RecordContext): IncidentRecord {
  return {
    id: state.id,
    title: state.title,
    severity: state.severity,
    status: state.status,
    problemStatement: context.problemStatement ?? state.summary,
    impact: context.impact ?? null,
    partners: context.partners,
    components: context.components,
    environment: state.environment,
    production: context.production,
    detectorId: state.detectorId,
    detectorKind: state.detectorKind,
    signature: state.signature,
    playbook: context.playbook,
    playbookVersion: context.playbookVersion,
    runbook: context.runbook,
    startedAt: context.startedAt,
    triggeredAt: state.triggeredAt,
    acknowledgedAt: state.acknowledgedAt,
    firstAttemptAt: state.firstAttemptAt,
    mitigatedAt: state.mitigatedAt,
    resolvedAt: state.resolvedAt,
    breaches: state.breaches.map(({ clock, deadline, at }) => ({ clock, deadline, at })),
  };
}
