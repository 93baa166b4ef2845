import { z } from 'zod';
import { facts, headline, linkList, truncate } from './format.js';
import { send } from './http.js';
import { secretUrl, secretValues } from './options.js';
import type { NotificationMessage, NotifierKind } from './types.js';

const options = z.strictObject({
  url: secretUrl('The Teams Workflows (or incoming) webhook URL.'),
});

const COLOR: Record<string, string> = {
  triggered: 'Attention',
  escalated: 'Attention',
  breach: 'Attention',
  reopened: 'Attention',
  acknowledged: 'Warning',
  mitigated: 'Accent',
  resolved: 'Good',
};

/** The message Teams webhooks take: one Adaptive Card 1.4 attachment. */
export function teamsPayload(message: NotificationMessage): Record<string, unknown> {
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: truncate(headline(message), 300),
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      color: COLOR[message.event] ?? 'Default',
    },
    { type: 'TextBlock', text: truncate(message.text, 2000), wrap: true },
  ];
  const rows = facts(message);
  if (rows.length > 0)
    body.push({ type: 'FactSet', facts: rows.map(([title, value]) => ({ title, value })) });
  body.push({
    type: 'TextBlock',
    text: `Incident ${message.incident.id} · ${message.at}`,
    isSubtle: true,
    size: 'Small',
    wrap: true,
  });
  const actions = linkList(message).map((link) => ({
    type: 'Action.OpenUrl',
    title: link.label,
    url: link.url,
  }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(actions.length > 0 && { actions }),
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** Posts an Adaptive Card to a Microsoft Teams webhook (Workflows or incoming webhook). */
export const teams = {
  type: 'teams',
  description: 'Posts an Adaptive Card to a Microsoft Teams webhook (Workflows or incoming webhook).',
  options,
  secretFields: ['url'],
  ticketing: false,
  async deliver(o, message, ctx) {
    await send(ctx, {
      method: 'POST',
      url: o.url,
      body: teamsPayload(message),
      what: 'teams webhook',
      secrets: secretValues(teams, o),
    });
    return { status: 'delivered' };
  },
} satisfies NotifierKind<typeof options>;
