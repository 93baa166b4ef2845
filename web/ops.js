// Small pieces the operations views share: severity and status badges, ages, incident paths.
import { duration, h } from './dom.js';

/** The statuses an incident can be in, in lifecycle order. */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved'];

/** Severity ids offered in pickers when the playbook's own are not known (the API does not list them). */
export const DEFAULT_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

/**
 * A severity as a badge; the class carries its level (sev-1 …) so SEV1 stands out.
 * @param {string} severity
 */
export function severityBadge(severity) {
  const level = /(\d+)/.exec(severity)?.[1] ?? 'other';
  return h('span', { class: `badge sev sev-${level}`, 'data-severity': severity }, severity);
}

/**
 * An incident's status as a badge.
 * @param {string} status
 */
export function statusBadge(status) {
  const known = INCIDENT_STATUSES.includes(status) ? status : 'other';
  return h('span', { class: `badge status-${known}`, 'data-status': status }, status);
}

/**
 * How long an incident has been open, or how long it took when resolved.
 * @param {{ openedAt: string, resolvedAt: string | null }} incident
 * @param {number} [now]
 */
export function age(incident, now = Date.now()) {
  const opened = Date.parse(incident.openedAt);
  if (incident.resolvedAt) return `resolved after ${duration(Date.parse(incident.resolvedAt) - opened)}`;
  return duration(Math.max(0, now - opened));
}

/**
 * The API path of an incident, or of something under it.
 * @param {string} id
 * @param {string} [rest] e.g. 'timeline'
 */
export function incidentPath(id, rest) {
  return `/incidents/${encodeURIComponent(id)}${rest ? `/${rest}` : ''}`;
}

/**
 * A <datalist> of suggestions for a free-text input.
 * @param {string} id
 * @param {string[]} values
 */
export function suggestions(id, values) {
  return h(
    'datalist',
    { id },
    [...new Set(values)].map((value) => h('option', { value })),
  );
}
