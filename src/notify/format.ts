import type { NotificationEvent, NotificationMessage, NotifiedIncident } from './types.js';

/** The severity's rank: the given one, else the digits of its id ("SEV2" → 2), else 2. */
export function severityRank(incident: NotifiedIncident): number {
  if (incident.severityRank !== undefined) return incident.severityRank;
  const digits = /(\d+)\s*$/.exec(incident.severity);
  return digits ? Number(digits[1]) : 2;
}

const EVENT_LABEL: Record<NotificationEvent, string> = {
  triggered: 'Triggered',
  escalated: 'Escalated',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  breach: 'Deadline missed',
  reopened: 'Reopened',
  note: 'Note',
  test: 'Test notification',
};

/** "Triggered", "Deadline missed", ... */
export function eventLabel(event: NotificationEvent): string {
  return EVENT_LABEL[event];
}

/** "[SEV1] Triggered: latency spike on api-health" — one line for subjects and fallbacks. */
export function headline(message: NotificationMessage): string {
  const level =
    message.event === 'escalated' && message.level !== undefined ? ` (level ${message.level})` : '';
  return `[${message.incident.severity}] ${eventLabel(message.event)}${level}: ${message.incident.title}`;
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Label/value pairs every rich notifier shows (in this order), skipping absent values. */
export function facts(message: NotificationMessage): Array<[string, string]> {
  const i = message.incident;
  const rows: Array<[string, string | undefined]> = [
    ['Severity', i.severity],
    ['Status', i.status],
    ['Partner', i.partner],
    ['Environment', i.environment],
    ['Components', i.components.length > 0 ? i.components.join(', ') : undefined],
    ['Triggered', i.triggeredAt],
    ['Signature', i.signature],
    ['Runbook', i.runbook?.name],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

/** The links to show, in order: view, acknowledge, resolve, runbook. */
export function linkList(message: NotificationMessage): Array<{ label: string; url: string }> {
  const out: Array<{ label: string; url: string }> = [];
  const view = message.links?.view ?? message.incident.url;
  if (view) out.push({ label: 'View incident', url: view });
  if (message.links?.acknowledge && message.event !== 'resolved') {
    out.push({ label: 'Acknowledge', url: message.links.acknowledge });
  }
  if (message.links?.resolve && message.event !== 'resolved') {
    out.push({ label: 'Resolve', url: message.links.resolve });
  }
  if (message.incident.runbook?.url) out.push({ label: 'Runbook', url: message.incident.runbook.url });
  return out;
}

/** A plain-text rendering (email, tickets): headline, text, summary, facts, links. */
export function plainText(message: NotificationMessage): string {
  const lines = [headline(message), '', message.text];
  if (message.incident.summary && message.incident.summary !== message.text)
    lines.push('', message.incident.summary);
  lines.push('');
  for (const [label, value] of facts(message)) lines.push(`${label}: ${value}`);
  const links = linkList(message);
  if (links.length > 0) {
    lines.push('');
    for (const link of links) lines.push(`${link.label}: ${link.url}`);
  }
  lines.push('', `Incident ${message.incident.id} · ${message.at}`);
  return lines.join('\n');
}
