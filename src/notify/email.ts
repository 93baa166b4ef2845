import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { z } from 'zod';
import { errorMessage } from '../core/errors.js';
import { preconnect } from '../http/address-guard.js';
import { DeliveryError, scrub } from './errors.js';
import { facts, headline, linkList, plainText } from './format.js';
import { digest } from './keys.js';
import { optionalSecret, secretValues } from './options.js';
import type { DeliveryContext, NotificationMessage, NotifierKind } from './types.js';

const options = z.strictObject({
  host: z.string().min(1).describe('SMTP server.'),
  port: z.number().int().min(1).max(65535).default(587).describe('SMTP port (587 submission, 465 TLS, 25).'),
  secure: z
    .boolean()
    .optional()
    .describe('TLS from the first byte (default: port 465); otherwise STARTTLS when offered.'),
  requireTls: z.boolean().default(false).describe('Refuse to send unless the server upgrades with STARTTLS.'),
  username: z.string().min(1).optional().describe('SMTP AUTH user name.'),
  password: optionalSecret('SMTP AUTH password.'),
  from: z.string().min(3).describe('Sender, e.g. "Gangway <gangway@example.com>".'),
  to: z.array(z.string().min(3)).min(1).describe('Recipients.'),
  subjectPrefix: z.string().default('[gangway]').describe('Start of every subject.'),
});

type Options = z.output<typeof options>;

const TIMEOUT_MS = 15_000;

/** The domain Message-IDs are made in: the sender's, else gangway.invalid. */
function idDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'gangway.invalid';
}

/** Message-ID of a delivery: derived from its key, so a resend of the same delivery carries the same id. */
export function emailMessageId(deliveryKey: string, from: string): string {
  return `<${digest(deliveryKey)}.gangway@${idDomain(from)}>`;
}

/** The mail for a message: subject, text and HTML bodies, ids and threading headers. */
export function emailContent(
  message: NotificationMessage,
  o: Pick<Options, 'from' | 'subjectPrefix'>,
  thread?: string,
) {
  const messageId = emailMessageId(message.deliveryKey, o.from);
  const root = thread ?? messageId;
  return {
    subject: `${o.subjectPrefix} ${headline(message)}`.trim(),
    text: plainText(message),
    html: emailHtml(message),
    messageId,
    ...(root !== messageId && { inReplyTo: root, references: [root] }),
    headers: {
      'X-Gangway-Delivery': message.deliveryKey,
      'X-Gangway-Incident': message.incident.id,
      'X-Gangway-Event': message.event,
    },
    root,
  };
}

function emailHtml(message: NotificationMessage): string {
  const rows = facts(message)
    .map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const links = linkList(message)
    .map((l) => `<a href="${esc(l.url)}">${esc(l.label)}</a>`)
    .join(' · ');
  return [
    '<!doctype html><html><body>',
    `<h2>${esc(headline(message))}</h2>`,
    `<p>${esc(message.text)}</p>`,
    message.incident.summary && message.incident.summary !== message.text
      ? `<p>${esc(message.incident.summary)}</p>`
      : '',
    rows ? `<table>${rows}</table>` : '',
    links ? `<p>${links}</p>` : '',
    `<p><small>Incident ${esc(message.incident.id)} · ${esc(message.at)}</small></p>`,
    '</body></html>',
  ].join('');
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The thread root kept in `ref` by an earlier delivery. */
function threadOf(ref: unknown): string | undefined {
  if (ref === null || typeof ref !== 'object') return undefined;
  const thread = (ref as { thread?: unknown }).thread;
  return typeof thread === 'string' ? thread : undefined;
}

/** Sends a plain-text and HTML mail over SMTP, threaded per incident. */
export const email = {
  type: 'email',
  description: 'Sends a mail over SMTP (text and HTML), one thread per incident.',
  options,
  secretFields: ['password'],
  ticketing: false,
  async deliver(o, message, ctx) {
    const secrets = secretValues(email, o);
    const content = emailContent(message, o, threadOf(ctx.ref));
    const { root, ...mail } = content;
    const timeout = ctx.http?.timeoutMs ?? TIMEOUT_MS;
    const transport = createTransport({
      host: o.host,
      port: o.port,
      secure: o.secure ?? o.port === 465,
      requireTLS: o.requireTls,
      ...(o.username !== undefined && { auth: { user: o.username, pass: o.password ?? '' } }),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(ctx.http?.lookup && { getSocket: guardedSocket(ctx) }),
    });
    try {
      await transport.sendMail({ from: o.from, to: o.to, ...mail, signal: ctx.signal });
    } catch (error) {
      throw smtpError(error, secrets);
    } finally {
      transport.close();
    }
    return { status: 'delivered', ref: { thread: root }, detail: `mail ${mail.messageId} sent` };
  },
} satisfies NotifierKind<typeof options>;

/** A socket opener for nodemailer that resolves through the address guard (IP literals included). */
function guardedSocket(ctx: DeliveryContext) {
  const lookup = ctx.http?.lookup;
  return (
    opts: { host?: string | undefined; port?: number | string | undefined },
    callback: (err: Error | null, socket?: { connection: import('node:net').Socket }) => void,
  ) => {
    const host = opts.host ?? 'localhost';
    preconnect(lookup, host).then(
      () => {
        const socket = connect({ host, port: Number(opts.port ?? 587), ...(lookup && { lookup }) });
        const fail = (err: Error) => callback(err);
        socket.once('error', fail);
        socket.once('connect', () => {
          socket.off('error', fail);
          callback(null, { connection: socket });
        });
      },
      (err: Error) => callback(err),
    );
  };
}

const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ENOAUTH']);

/** SMTP failures: 4xx replies and connection problems are retried; 5xx replies, bad auth and bad addresses are not. */
function smtpError(error: unknown, secrets: readonly string[]): DeliveryError {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const blocked = code === 'EGANGWAYBLOCKED' || code === 'ssrf.blocked';
  const retryable =
    !blocked && (reply !== undefined ? reply < 500 : code === undefined || !PERMANENT_CODES.has(code));
  const message = scrub(errorMessage(error), secrets);
  return new DeliveryError(
    blocked ? 'notify.blocked' : retryable ? 'notify.receiver-unavailable' : 'notify.rejected',
    `smtp failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    { retryable, ...(reply !== undefined && { status: reply }) },
  );
}
