import type { TimelineEntry } from './incident-record.js';
import type { ClockName, DetectorKind, IncidentStatus, Signal } from './types.js';

/** Where escalation stands: round 1 is the first pass through the levels, level 1 the first level. */
export interface EscalationPosition {
  round: number;
  level: number;
}

/** A durable timer the runtime holds for the incident; its key is unique across incidents and cycles. */
export type PendingTimer =
  | { kind: 'escalate'; due: number; round: number; level: number }
  | { kind: 'clock'; due: number; clock: ClockName };

/** A breach as the state keeps it: `cycle` tells which opening of the incident it belongs to. */
export interface StateBreach {
  clock: ClockName;
  deadline: number;
  at: number;
  cycle: number;
}

/** Who was notified at one escalation step of the current cycle. */
export interface NotifiedStep {
  round: number;
  level: number;
  targets: string[];
}

/**
 * An incident's decision state, plain JSON: stored between commands, replayed in tests. The times
 * describe the current cycle (a re-open starts a new one and clears them); `triggeredAt` is the first
 * trigger ever, `openedAt` the start of the current cycle, from which clocks and escalation count.
 */
export interface IncidentState {
  id: string;
  dedupKey: string;
  status: IncidentStatus;
  severity: string;
  title: string;
  summary: string;
  signature: string;
  detectorId: string;
  detectorKind: DetectorKind;
  monitorId: string;
  environment: string;
  /** Whether a recovery signal resolves the incident (the detector's autoResolve). */
  autoResolve: boolean;
  triggeredAt: number;
  openedAt: number;
  /** 0 for the first opening, +1 per re-open. Part of every timer and delivery key. */
  cycle: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  firstAttemptAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  escalation: EscalationPosition;
  notified: NotifiedStep[];
  breaches: StateBreach[];
  /** key → timer. Only a pending key may fire: this is what makes timers idempotent. */
  timers: Record<string, PendingTimer>;
  /** Notes so far (all cycles): numbers each note's delivery keys. */
  notes: number;
}

/** What can happen to an incident. `by` is a person, `detector:<id>` or an action id. */
export type IncidentCommand =
  | {
      type: 'trigger';
      /** The incident id to use when this trigger opens a new incident (ignored otherwise). */
      id: string;
      signal: Signal;
      /** The detector's autoResolve (default true). */
      autoResolve?: boolean;
    }
  | { type: 'signal'; signal: Signal }
  | { type: 'acknowledge'; by: string }
  | {
      type: 'attempt';
      by: string;
      what: string;
      /** What made the attempt; the timeline entry's type (default attempt: a person saying so). */
      via?: 'attempt' | 'action' | 'runbook-step';
    }
  | { type: 'mitigate'; by: string; message?: string }
  | { type: 'resolve'; by: string; message?: string }
  | { type: 'note'; by: string; text: string }
  | { type: 'reopen'; by: string; reason?: string }
  | { type: 'timer'; key: string }
  | { type: 'severity'; by: string; severity: string };

export type NotifyEvent =
  | 'triggered'
  | 'escalated'
  | 'acknowledged'
  | 'mitigated'
  | 'resolved'
  | 'breach'
  | 'reopened'
  | 'note';

/** Something the runtime must do; the state machine only decides. */
export type IncidentEffect =
  | {
      type: 'notify';
      targets: string[];
      event: NotifyEvent;
      level?: number;
      round?: number;
      /** The breached clock, for breach notifications. */
      clock?: ClockName;
      /** The note's text, for note notifications. */
      text?: string;
      /** Deterministic: re-running the same step yields the same key, so a delivery happens once. */
      deliveryKey: string;
    }
  /** Schedule a durable timer; when it fires, apply `{ type: 'timer', key }`. */
  | { type: 'schedule'; key: string; at: number }
  | { type: 'cancel'; key: string }
  | { type: 'timeline'; entry: TimelineEntry }
  | { type: 'breach'; clock: ClockName; deadline: number; at: number };

export interface StepResult {
  state: IncidentState;
  effects: IncidentEffect[];
}
