import { z } from 'zod';
import { severityRank, truncate } from './format.js';
import { joinUrl, send } from './http.js';
import { fitKey } from './keys.js';
import { httpUrl, secretString, secretValues } from './options.js';
import type { NotificationEvent, NotificationMessage, NotifierKind } from './types.js';

const PD_SEVERITY = z.enum(['critical', 'error', 'warning', 'info']);
type PdSeverity = z.infer<typeof PD_SEVERITY>;

const options = z.strictObject({
  routingKey: secretString('The integration key of a PagerDuty service (Events API v2).'),
  apiUrl: httpUrl('Events API base URL.').default('https://events.pagerduty.com'),
  source: z.string().min(1).optional().describe('payload.source (default: the environment, else "gangway").'),
  severities: z
    .record(z.string(), PD_SEVERITY)
    .optional()
    .describe(
      'PagerDuty severity per Gangway severity id (default by rank: 1 critical, 2 error, 3 warning, 4+ info).',
    ),
});

const ACTION: Partial<Record<NotificationEvent, 'trigger' | 'acknowledge' | 'resolve'>> = {
  triggered: 'trigger',
  escalated: 'trigger',
  reopened: 'trigger',
  breach: 'trigger',
  test: 'trigger',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
};

/** critical | error | warning | info from the severity's rank (or the playbook's explicit map). */
export function pagerdutySeverity(
  message: NotificationMessage,
  map?: Record<string, PdSeverity>,
): PdSeverity {
  const explicit = map?.[message.incident.severity];
  if (explicit) return explicit;
  const rank = severityRank(message.incident);
  return rank <= 1 ? 'critical' : rank === 2 ? 'error' : rank === 3 ? 'warning' : 'info';
}

/** The Events API v2 event for a message; undefined when the event has no PagerDuty action. */
export function pagerdutyEvent(
  message: NotificationMessage,
  o: { routingKey: string; source?: string | undefined; severities?: Record<string, PdSeverity> | undefined },
): Record<string, unknown> | undefined {
  const action = ACTION[message.event];
  if (action === undefined) return undefined;
  const i = message.incident;
  const event: Record<string, unknown> = {
    routing_key: o.routingKey,
    event_action: action,
    dedup_key: fitKey(i.dedupKey, 255),
  };
  if (action !== 'trigger') return event;
  const view = message.links?.view ?? i.url;
  const links = [
    ...(view ? [{ href: view, text: 'View incident in Gangway' }] : []),
    ...(message.links?.acknowledge
      ? [{ href: message.links.acknowledge, text: 'Acknowledge in Gangway' }]
      : []),
    ...(i.runbook?.url ? [{ href: i.runbook.url, text: `Runbook: ${i.runbook.name}` }] : []),
  ];
  return {
    ...event,
    payload: {
      summary: truncate(`[${i.severity}] ${i.title}: ${message.text}`, 1024),
      source: o.source ?? i.environment ?? 'gangway',
      severity: pagerdutySeverity(message, o.severities),
      timestamp: message.at,
      ...(i.components.length > 0 && { component: i.components.join(', ') }),
      ...(i.partner && { group: i.partner }),
      class: i.signature.split(':')[0] || i.signature,
      custom_details: {
        incident: i.id,
        event: message.event,
        ...(message.level !== undefined && { level: message.level }),
        summary: i.summary,
        status: i.status,
        signature: i.signature,
        triggered_at: i.triggeredAt,
        ...(i.runbook && { runbook: i.runbook.name }),
      },
    },
    client: 'Gangway',
    ...(view && { client_url: view }),
    ...(links.length > 0 && { links }),
  };
}

/** Triggers, acknowledges and resolves PagerDuty alerts through the Events API v2, deduplicated by incident. */
export const pagerduty = {
  type: 'pagerduty',
  description:
    'Triggers, acknowledges and resolves PagerDuty alerts (Events API v2, dedup_key per incident).',
  options,
  secretFields: ['routingKey'],
  ticketing: false,
  async deliver(o, message, ctx) {
    const event = pagerdutyEvent(message, o);
    if (event === undefined)
      return { status: 'skipped', detail: `PagerDuty has no action for ${message.event}` };
    await send(ctx, {
      method: 'POST',
      url: joinUrl(o.apiUrl, '/v2/enqueue'),
      body: event,
      what: `pagerduty ${String(event.event_action)}`,
      secrets: secretValues(pagerduty, o),
    });
    return { status: 'delivered', detail: `pagerduty ${String(event.event_action)}` };
  },
} satisfies NotifierKind<typeof options>;
