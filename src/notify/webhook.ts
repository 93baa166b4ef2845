// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import { z } from 'zod';
import { describeUrl, send } from './http.js';
import { httpUrl, optionalSecret, secretValues } from './options.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';
import type { NotificationMessage, NotifierKind } from './types.js';

const options = z.strictObject({
  url: httpUrl('Where to POST the notification.'),
  secret: optionalSecret('HMAC-SHA256 key the Gangway-Signature header is made with.'),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      'Secret: extra headers, e.g. an API key for the receiver; values may be ${secret.x} references.',
    ),
});

/** The JSON body a webhook receiver gets (docs/notifiers.md). */
export function webhookBody(message: NotificationMessage): Record<string, unknown> {
  return {
    type: 'gangway.notification',
    version: 1,
    deliveryKey: message.deliveryKey,
    event: message.event,
    at: message.at,
    text: message.text,
    ...(message.level !== undefined && { level: message.level }),
    incident: message.incident,
    ...(message.links && { links: message.links }),
  };
}

/** POSTs the notification as JSON, signed with HMAC-SHA256 and a timestamp. */
export const webhook = {
  type: 'webhook',
  description: 'POSTs a JSON notification signed with HMAC-SHA256 (Gangway-Signature header).',
  options,
  secretFields: ['secret', 'headers'],
  ticketing: false,
  async deliver(o, message, ctx) {
    const body = JSON.stringify(webhookBody(message));
    const secrets = secretValues(webhook, o);
    const headers: Record<string, string> = {
      ...o.headers,
      'content-type': 'application/json',
      'gangway-delivery': message.deliveryKey,
      'gangway-event': message.event,
    };
    if (o.secret !== undefined)
      headers[SIGNATURE_HEADER.toLowerCase()] = signWebhook(o.secret, body, ctx.now());
    const answer = await send(ctx, {
      method: 'POST',
      url: o.url,
      headers,
      body,
      what: describeUrl('webhook', o.url),
      secrets,
    });
    return { status: 'delivered', detail: `webhook answered ${answer.status}` };
  },
} satisfies NotifierKind<typeof options>;
