import { z } from 'zod';
import { DeliveryError } from './errors.js';
import { headline, plainText, truncate } from './format.js';
import { joinUrl, type NotifyAnswer, type NotifyRequest, send } from './http.js';
import { httpUrl, optionalSecret, secretValues } from './options.js';
import type { DeliveryContext, NotifierKind } from './types.js';

const options = z
  .strictObject({
    url: httpUrl('Jira site, e.g. https://acme.atlassian.net (Data Center: its base URL).'),
    project: z.string().min(1).describe('Project key, e.g. OPS.'),
    issueType: z.string().min(1).default('Bug').describe('Issue type of the tickets opened.'),
    apiVersion: z
      .union([z.literal(2), z.literal(3)])
      .default(2)
      .describe(
        'REST API version: 2 (plain-text bodies; Cloud and Data Center) or 3 (Atlassian Document Format; Cloud).',
      ),
    email: z
      .string()
      .min(3)
      .optional()
      .describe('Atlassian account email, with apiToken (basic auth, Cloud).'),
    apiToken: optionalSecret('Atlassian API token, with email.'),
    token: optionalSecret(
      'A personal access token sent as a bearer token (Data Center), instead of email + apiToken.',
    ),
    labels: z
      .array(z.string().regex(/^\S+$/, 'labels have no spaces'))
      .default(['gangway'])
      .describe('Labels of every ticket.'),
    priorities: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        "Jira priority name per severity id, e.g. { SEV1: Highest } (default: the project's default).",
      ),
    doneTransition: z
      .string()
      .min(1)
      .default('Done')
      .describe('Transition (name, id or target status) applied on resolve.'),
    reopenTransition: z
      .string()
      .min(1)
      .optional()
      .describe('Transition applied when a resolved incident reopens.'),
  })
  .refine((o) => (o.token !== undefined) !== (o.email !== undefined && o.apiToken !== undefined), {
    message: 'give either email and apiToken (basic auth) or token (bearer), not both',
  });

type Options = z.output<typeof options>;

interface TicketRef {
  key: string;
  id?: string;
}

/** Opens a ticket on trigger, comments on every later event, transitions it to done on resolve. */
export const jira = {
  type: 'jira',
  description:
    'Opens a Jira ticket per incident, comments on later events, transitions it to done when resolved.',
  options,
  secretFields: ['apiToken', 'token'],
  ticketing: true,
  async deliver(o, message, ctx) {
    const api = client(o, ctx);
    const ref = ticketRef(ctx.ref);
    if (ref === undefined) {
      if (message.event === 'resolved')
        return { status: 'skipped', detail: 'no ticket was opened for this incident' };
      const priority = o.priorities?.[message.incident.severity];
      const created = await api('POST', '/issue', 'create issue', {
        fields: {
          project: { key: o.project },
          issuetype: { name: o.issueType },
          summary: truncate(`[${message.incident.severity}] ${message.incident.title}`, 255),
          description: body(o, plainText(message)),
          labels: o.labels,
          ...(priority && { priority: { name: priority } }),
        },
      });
      const { key, id } = (created.json ?? {}) as { key?: unknown; id?: unknown };
      if (typeof key !== 'string') {
        throw new DeliveryError('notify.bad-answer', 'jira create issue: no issue key in the answer', {
          retryable: false,
        });
      }
      return {
        status: 'delivered',
        ref: { key, ...(typeof id === 'string' && { id }) },
        detail: `ticket ${key} opened`,
      };
    }
    const issue = `/issue/${encodeURIComponent(ref.key)}`;
    await api('POST', `${issue}/comment`, 'comment', {
      body: body(o, `${headline(message)}\n\n${plainText(message)}`),
    });
    const transition =
      message.event === 'resolved'
        ? o.doneTransition
        : message.event === 'reopened'
          ? o.reopenTransition
          : undefined;
    if (transition === undefined)
      return { status: 'delivered', ref: { ...ref }, detail: `ticket ${ref.key} commented` };
    const moved = await applyTransition(api, issue, transition);
    return {
      status: 'delivered',
      ref: { ...ref },
      detail: moved
        ? `ticket ${ref.key} commented and moved by "${transition}"`
        : `ticket ${ref.key} commented; transition "${transition}" not available (already there?)`,
    };
  },
} satisfies NotifierKind<typeof options>;

type Api = (
  method: NotifyRequest['method'],
  path: string,
  what: string,
  body?: unknown,
) => Promise<NotifyAnswer>;

function client(o: Options, ctx: DeliveryContext): Api {
  const authorization =
    o.token !== undefined
      ? `Bearer ${o.token}`
      : `Basic ${Buffer.from(`${o.email}:${o.apiToken}`).toString('base64')}`;
  const secrets = [...secretValues(jira, o), authorization.slice(authorization.indexOf(' ') + 1)];
  return (method, path, what, payload) =>
    send(ctx, {
      method,
      url: joinUrl(o.url, `/rest/api/${o.apiVersion}${path}`),
      headers: { authorization },
      ...(payload !== undefined && { body: payload }),
      what: `jira ${what}`,
      secrets,
    });
}

/** Applies the transition named (by id, name or target status); false when the issue offers none such. */
async function applyTransition(api: Api, issue: string, wanted: string): Promise<boolean> {
  const list = await api('GET', `${issue}/transitions`, 'list transitions');
  const transitions = ((list.json as { transitions?: unknown } | undefined)?.transitions ?? []) as Array<{
    id?: unknown;
    name?: unknown;
    to?: { name?: unknown };
  }>;
  const lower = wanted.toLowerCase();
  const match =
    transitions.find((t) => t.id === wanted) ??
    transitions.find((t) => String(t.name).toLowerCase() === lower) ??
    transitions.find((t) => String(t.to?.name).toLowerCase() === lower);
  if (match === undefined || typeof match.id !== 'string') return false;
  await api('POST', `${issue}/transitions`, 'transition', { transition: { id: match.id } });
  return true;
}

/** A description or comment body: plain text for API v2, an Atlassian Document Format doc for v3. */
export function body(o: Pick<Options, 'apiVersion'>, text: string): unknown {
  if (o.apiVersion === 2) return text;
  return {
    type: 'doc',
    version: 1,
    content: text
      .split(/\n{2,}/)
      .filter((p) => p.trim() !== '')
      .map((paragraph) => ({
        type: 'paragraph',
        content: paragraph
          .split('\n')
          .flatMap((line, n) => [
            ...(n > 0 ? [{ type: 'hardBreak' }] : []),
            ...(line ? [{ type: 'text', text: line }] : []),
          ]),
      })),
  };
}

function ticketRef(ref: unknown): TicketRef | undefined {
  if (ref === null || typeof ref !== 'object') return undefined;
  const key = (ref as { key?: unknown }).key;
  return typeof key === 'string' ? (ref as TicketRef) : undefined;
}
