import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';

/** Plain JSON: what a notifier may keep between deliveries (stored by the service). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Why a notification is sent. */
export type NotificationEvent =
  | 'triggered'
  | 'escalated'
  | 'acknowledged'
  | 'mitigated'
  | 'resolved'
  | 'breach'
  | 'reopened'
  | 'note'
  | 'test';

export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = [
  'triggered',
  'escalated',
  'acknowledged',
  'mitigated',
  'resolved',
  'breach',
  'reopened',
  'note',
  'test',
];

/** The incident as a notification shows it. */
export interface NotifiedIncident {
  id: string;
  title: string;
  /** A severity id of the playbook (SEV1..SEV4 by default). */
  severity: string;
  /** The severity's rank (1 = most severe); when absent, the digits of the severity id are used. */
  severityRank?: number;
  /** triggered | acknowledged | mitigated | resolved. */
  status: string;
  /** One line: the problem statement. */
  summary: string;
  dedupKey: string;
  /** Stable failure signature, e.g. "schema-drift:getNote:/title". */
  signature: string;
  environment?: string;
  partner?: string;
  components: string[];
  /** ISO 8601. */
  triggeredAt: string;
  runbook?: { name: string; url?: string };
  /** The incident's page in Gangway. */
  url?: string;
}

/** One notification to deliver: the same message goes to every notifier of a level. */
export interface NotificationMessage {
  /** Idempotency key: the same key is the same notification (receivers deduplicate by it). */
  deliveryKey: string;
  event: NotificationEvent;
  incident: NotifiedIncident;
  /** Escalation level (1-based) for triggered/escalated. */
  level?: number;
  /** One human line: what happened. */
  text: string;
  /** ISO 8601: when it happened. */
  at: string;
  /** Signed URLs made by the service; notifiers only render them. */
  links?: { view?: string; acknowledge?: string; resolve?: string };
}

/** How a notifier reaches the network: the caller's dispatcher and/or the address guard's lookup. */
export interface NotifyHttp {
  /** An undici dispatcher every request goes through (the service shares one across deliveries). */
  dispatcher?: Dispatcher;
  /**
   * The outbound address guard's lookup (src/http/address-guard.ts). Without a dispatcher, HTTP requests
   * go through a guarded agent made with it; SMTP sockets always resolve through it.
   */
  lookup?: LookupFunction;
  /** Whole-request time limit (default 15 s). */
  timeoutMs?: number;
  /** User-Agent sent (default "gangway"). */
  userAgent?: string;
}

/** What a delivery may use. */
export interface DeliveryContext {
  signal: AbortSignal;
  /**
   * What the last delivery of this incident to this notifier returned as `ref` (e.g. the GitHub issue
   * number); absent for the first delivery.
   */
  ref?: JsonValue;
  http?: NotifyHttp;
  /** Epoch ms (signatures are timestamped with it). */
  now(): number;
}

/** The outcome of a delivery that did not throw. */
export interface DeliveryResult {
  status: 'delivered' | 'skipped';
  /** JSON to keep for the next delivery of this incident to this notifier; absent: keep the previous one. */
  ref?: JsonValue;
  /** One line for the timeline, e.g. "issue #12 created" or why it was skipped. Never holds a secret. */
  detail?: string;
}

/**
 * One kind of notifier: one file exporting a const that `satisfies NotifierKind<typeof options>`,
 * registered with one line in src/notify/index.ts.
 */
export interface NotifierKind<Schema extends z.ZodType = z.ZodType> {
  type: string;
  /** One sentence for docs. */
  description: string;
  /**
   * The notifier's options (the playbook's map without `type`): a strict object. Fields listed in
   * `secretFields` may be `${secret.x}` references, resolved by the caller before `deliver`.
   */
  options: Schema;
  /** Option names whose values are secrets: never logged, never in errors, redacted from receiver answers. */
  secretFields: readonly string[];
  /** Whether it opens tickets (github, jira): usable by `ticket` actions. */
  ticketing: boolean;
  /**
   * Delivers one message. Throws DeliveryError (src/notify/errors.ts) when the receiver failed;
   * `retryable` says whether the job should try again.
   */
  deliver(
    options: z.output<Schema>,
    message: NotificationMessage,
    ctx: DeliveryContext,
  ): Promise<DeliveryResult>;
}
