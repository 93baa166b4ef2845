import { z } from 'zod';
import { DeliveryError } from './errors.js';
import { headline, plainText, truncate } from './format.js';
import { joinUrl, type NotifyAnswer, type NotifyRequest, send } from './http.js';
import { digest } from './keys.js';
import { httpUrl, secretString, secretValues } from './options.js';
import type { DeliveryContext, NotificationMessage, NotifierKind } from './types.js';

const options = z.strictObject({
  repo: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"')
    .describe('Repository the issues are opened in, "owner/name".'),
  token: secretString('A token allowed to write issues (fine-grained: Issues read and write).'),
  apiUrl: httpUrl('REST API base (GitHub Enterprise Server: https://host/api/v3).').default(
    'https://api.github.com',
  ),
  labels: z.array(z.string().min(1)).default(['incident']).describe('Labels of every issue opened.'),
  severityLabel: z.boolean().default(true).describe('Also label the issue with its severity (e.g. SEV1).'),
  assignees: z.array(z.string().min(1)).optional().describe('Logins assigned to every issue opened.'),
});

type Options = z.output<typeof options>;

/** What the service keeps between deliveries of one incident. */
interface IssueRef {
  issue: number;
  url?: string;
}

/** Hidden marker in an issue body: finds the issue of an incident again if its number was never stored. */
export function incidentMarker(incidentId: string): string {
  return `<!-- gangway:incident:${digest(incidentId)} -->`;
}

/** Hidden marker in a comment: a retried delivery finds its comment instead of posting it twice. */
export function deliveryMarker(deliveryKey: string): string {
  return `<!-- gangway:delivery:${digest(deliveryKey)} -->`;
}

/** Opens an issue on trigger, comments on every later event, closes it on resolve. */
export const github = {
  type: 'github',
  description: 'Opens a GitHub issue per incident, comments on later events, closes it when resolved.',
  options,
  secretFields: ['token'],
  ticketing: true,
  async deliver(o, message, ctx) {
    const api = client(o, ctx);
    // Without a ref (first delivery, or a crash lost it) the incident's issue may still exist: look first.
    let ref = issueRef(ctx.ref) ?? (await findIssue(api, message.incident.id));
    if (ref === undefined && message.event === 'resolved') {
      return { status: 'skipped', detail: 'no issue was opened for this incident' };
    }
    if (ref === undefined) {
      const created = await api('POST', '/issues', 'create issue', {
        title: truncate(`[${message.incident.severity}] ${message.incident.title}`, 256),
        body: `${plainText(message)}\n\n${incidentMarker(message.incident.id)}`,
        labels: [...o.labels, ...(o.severityLabel ? [message.incident.severity] : [])],
        ...(o.assignees && { assignees: o.assignees }),
      });
      ref = toRef(created.json);
      if (ref === undefined) {
        // Retrying is safe: the next attempt finds the issue by its marker instead of opening another.
        throw new DeliveryError('notify.bad-answer', 'github create issue: no issue number in the answer', {
          retryable: true,
        });
      }
      return { status: 'delivered', ref: { ...ref }, detail: `issue #${ref.issue} opened` };
    }
    if (message.event === 'triggered' && issueRef(ctx.ref) === undefined) {
      // The issue of this incident was opened by an earlier attempt of this very delivery.
      return { status: 'delivered', ref: { ...ref }, detail: `issue #${ref.issue} already open` };
    }
    const issuePath = `/issues/${ref.issue}`;
    if (message.event === 'reopened') await api('PATCH', issuePath, 'reopen issue', { state: 'open' });
    const done = await commentOnce(api, ref.issue, message);
    if (message.event === 'resolved') {
      await api('PATCH', issuePath, 'close issue', { state: 'closed', state_reason: 'completed' });
      return { status: 'delivered', ref: { ...ref }, detail: `issue #${ref.issue} closed` };
    }
    return { status: 'delivered', ref: { ...ref }, detail: `issue #${ref.issue} ${done}` };
  },
} satisfies NotifierKind<typeof options>;

type Api = (
  method: NotifyRequest['method'],
  path: string,
  what: string,
  body?: unknown,
) => Promise<NotifyAnswer>;

function client(o: Options, ctx: DeliveryContext): Api {
  const secrets = secretValues(github, o);
  return (method, path, what, body) =>
    send(ctx, {
      method,
      url: joinUrl(o.apiUrl, `/repos/${o.repo}${path}`),
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
      ...(body !== undefined && { body }),
      what: `github ${what}`,
      secrets,
    });
}

/** The incident's issue among the 50 most recently created, by its marker (a lost ref after a crash). */
async function findIssue(api: Api, incidentId: string): Promise<IssueRef | undefined> {
  const marker = incidentMarker(incidentId);
  const list = await api('GET', '/issues?state=all&sort=created&direction=desc&per_page=50', 'list issues');
  if (!Array.isArray(list.json)) return undefined;
  for (const item of list.json as unknown[]) {
    const body = (item as { body?: unknown }).body;
    if (typeof body === 'string' && body.includes(marker)) return toRef(item);
  }
  return undefined;
}

/** Posts the event as a comment unless a comment of this delivery is already there. */
async function commentOnce(api: Api, issue: number, message: NotificationMessage): Promise<string> {
  const marker = deliveryMarker(message.deliveryKey);
  const since = encodeURIComponent(message.at);
  const existing = await api('GET', `/issues/${issue}/comments?since=${since}&per_page=100`, 'list comments');
  const seen =
    Array.isArray(existing.json) &&
    (existing.json as unknown[]).some((c) => String((c as { body?: unknown }).body ?? '').includes(marker));
  if (seen) return 'already has this comment';
  await api('POST', `/issues/${issue}/comments`, 'comment', {
    body: `**${headline(message)}**\n\n${plainText(message)}\n\n${marker}`,
  });
  return 'commented';
}

function issueRef(ref: unknown): IssueRef | undefined {
  if (ref === null || typeof ref !== 'object') return undefined;
  const issue = (ref as { issue?: unknown }).issue;
  return typeof issue === 'number' ? (ref as IssueRef) : undefined;
}

function toRef(json: unknown): IssueRef | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const { number, html_url: url } = json as { number?: unknown; html_url?: unknown };
  if (typeof number !== 'number') return undefined;
  return { issue: number, ...(typeof url === 'string' && { url }) };
}
