import { z } from 'zod';
import { eventLabel, facts, headline, linkList, truncate } from './format.js';
import { send } from './http.js';
import { secretUrl, secretValues } from './options.js';
import type { NotificationMessage, NotifierKind } from './types.js';

const options = z.strictObject({
  url: secretUrl('The incoming webhook URL (https://hooks.slack.com/services/...).'),
  mention: z
    .string()
    .optional()
    .describe(
      'Prepended to triggered, escalated, reopened and deadline-missed messages, e.g. "<!here>" or "<@U024BE7LH>".',
    ),
});

const LOUD = new Set(['triggered', 'escalated', 'reopened', 'breach']);

/** Slack's mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The incoming-webhook payload: Block Kit `blocks` and the fallback `text` notifications show. */
export function slackPayload(message: NotificationMessage, mention?: string): Record<string, unknown> {
  const loud = mention !== undefined && LOUD.has(message.event) ? `${mention} ` : '';
  const fields = facts(message)
    .slice(0, 10) // a section holds at most 10 fields
    .map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${slackEscape(value)}`, 2000) }));
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline(message), 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(loud + slackEscape(message.text), 3000) } },
  ];
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  const links = linkList(message);
  if (links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: links.map((link, n) => ({
        type: 'button',
        text: { type: 'plain_text', text: link.label, emoji: false },
        url: link.url,
        action_id: `gangway-link-${n}`,
        ...(link.label === 'Acknowledge' && { style: 'primary' }),
      })),
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: slackEscape(`${eventLabel(message.event)} · incident ${message.incident.id} · ${message.at}`),
      },
    ],
  });
  return { text: truncate(`${loud}${headline(message)} — ${message.text}`, 3000), blocks };
}

/** Posts a Block Kit message to a Slack incoming webhook. */
export const slack = {
  type: 'slack',
  description: 'Posts a Block Kit message to a Slack incoming webhook.',
  options,
  secretFields: ['url'],
  ticketing: false,
  async deliver(o, message, ctx) {
    await send(ctx, {
      method: 'POST',
      url: o.url,
      body: slackPayload(message, o.mention),
      what: 'slack webhook',
      secrets: secretValues(slack, o),
    });
    return { status: 'delivered' };
  },
} satisfies NotifierKind<typeof options>;
