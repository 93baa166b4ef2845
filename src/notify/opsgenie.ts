import { z } from 'zod';
import { facts, headline, linkList, plainText, severityRank, truncate } from './format.js';
import { joinUrl, send } from './http.js';
import { fitKey } from './keys.js';
import { httpUrl, secretString, secretValues } from './options.js';
import type { NotificationMessage, NotifierKind } from './types.js';

const REGIONS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

const options = z.strictObject({
  apiKey: secretString('An Opsgenie API integration key (sent as "GenieKey <key>").'),
  region: z.enum(['us', 'eu']).default('us').describe('us: api.opsgenie.com; eu: api.eu.opsgenie.com.'),
  apiUrl: httpUrl('Alert API base URL (overrides region).').optional(),
  responders: z
    .array(
      z.strictObject({
        type: z.enum(['team', 'user', 'escalation', 'schedule']),
        name: z.string().min(1).describe('Team, escalation or schedule name, or a user name (email).'),
      }),
    )
    .optional()
    .describe("Who the alert is routed to (default: the integration's team)."),
  tags: z.array(z.string()).optional().describe('Tags added to every alert.'),
});

type Options = z.output<typeof options>;

/** The create-alert request body (POST /v2/alerts). */
export function opsgenieAlert(message: NotificationMessage, o: Pick<Options, 'responders' | 'tags'>) {
  const i = message.incident;
  const details: Record<string, string> = Object.fromEntries(facts(message));
  details.Incident = i.id;
  for (const link of linkList(message)) details[link.label] = link.url;
  return {
    message: truncate(`[${i.severity}] ${i.title}`, 130),
    alias: fitKey(i.dedupKey, 512),
    description: truncate(plainText(message), 15000),
    ...(o.responders && { responders: o.responders.map((r) => responder(r)) }),
    tags: [...(o.tags ?? []), i.severity, ...(i.environment ? [i.environment] : [])].slice(0, 20),
    details,
    entity: truncate(i.partner ?? i.environment ?? 'gangway', 512),
    source: 'Gangway',
    priority: `P${Math.min(5, Math.max(1, severityRank(i)))}`,
    note: truncate(message.text, 25000),
  };
}

function responder(r: { type: string; name: string }): Record<string, string> {
  return r.type === 'user' ? { type: 'user', username: r.name } : { type: r.type, name: r.name };
}

/** Creates, annotates, acknowledges and closes Opsgenie alerts (Alert API v2, alias = the incident's dedup key). */
export const opsgenie = {
  type: 'opsgenie',
  description: 'Creates, annotates, acknowledges and closes Opsgenie alerts (alias = dedup key).',
  options,
  secretFields: ['apiKey'],
  ticketing: false,
  async deliver(o, message, ctx) {
    const base = o.apiUrl ?? REGIONS[o.region];
    const alias = encodeURIComponent(fitKey(message.incident.dedupKey, 512));
    const headers = { authorization: `GenieKey ${o.apiKey}` };
    const common = { what: '', secrets: secretValues(opsgenie, o), headers, method: 'POST' as const };
    const followUp = {
      user: 'Gangway',
      source: 'Gangway',
      note: truncate(`${headline(message)}: ${message.text}`, 25000),
    };
    let action: string;
    let path: string;
    let body: unknown;
    switch (message.event) {
      case 'triggered':
      case 'reopened':
      case 'test':
        [action, path, body] = ['create', '/v2/alerts', opsgenieAlert(message, o)];
        break;
      case 'acknowledged':
        [action, path, body] = [
          'acknowledge',
          `/v2/alerts/${alias}/acknowledge?identifierType=alias`,
          followUp,
        ];
        break;
      case 'resolved':
        [action, path, body] = ['close', `/v2/alerts/${alias}/close?identifierType=alias`, followUp];
        break;
      default:
        [action, path, body] = ['note', `/v2/alerts/${alias}/notes?identifierType=alias`, followUp];
    }
    const answer = await send(ctx, { ...common, url: joinUrl(base, path), body, what: `opsgenie ${action}` });
    const requestId = (answer.json as { requestId?: unknown } | undefined)?.requestId;
    return {
      status: 'delivered',
      detail: `opsgenie ${action}${typeof requestId === 'string' ? ` (request ${requestId})` : ''}`,
    };
  },
} satisfies NotifierKind<typeof options>;
