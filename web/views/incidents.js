// Incidents the token may see: open ones first (newest first), then recent ones; filters by status and
// severity (the API's own query parameters, kept in the hash so a filtered list can be linked).
import { all, get } from '../api.js';
import { h, link, replace, table, when } from '../dom.js';
import {
  age,
  DEFAULT_SEVERITIES,
  INCIDENT_STATUSES,
  severityBadge,
  statusBadge,
  suggestions,
} from '../ops.js';
import { partnerLabel, partnerNames } from './onboardings.js';

/** How many recent incidents follow the open ones when no status is chosen. */
const RECENT = 100;

/**
 * The filters are the hash's query string, e.g. #/incidents?status=open&severity=SEV1.
 * @param {import('../app.js').ViewContext} ctx
 */
export async function renderIncidents(ctx) {
  const { signal, view } = ctx;
  const filter = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const status = filter.get('status') || undefined;
  const severity = filter.get('severity') || undefined;
  const [incidents, names] = await Promise.all([listed(status, severity, signal), partnerNames(signal)]);
  const now = Date.now();
  const rows = incidents.map((i) => [
    severityBadge(i.severity),
    statusBadge(i.status),
    link(['incidents', i.id], i.title),
    i.partnerId ? partnerLabel(names, i.partnerId) : '—',
    h('span', { title: i.detectorKind }, i.detectorId),
    when(i.openedAt),
    age(i, now),
    i.acknowledgedAt ? [i.acknowledgedBy ?? '', i.acknowledgedBy ? ' · ' : '', when(i.acknowledgedAt)] : '—',
  ]);
  const open = incidents.filter((i) => i.status !== 'resolved').length;
  replace(
    view,
    h('h1', {}, 'Incidents'),
    filters(status, severity),
    h(
      'p',
      { class: 'summary', id: 'incident-summary' },
      `${incidents.length} incident${incidents.length === 1 ? '' : 's'} shown, ${open} open.`,
    ),
    h(
      'div',
      { id: 'incidents' },
      table(
        ['Severity', 'Status', 'Title', 'Partner', 'Detector', 'Opened', 'Age', 'Acknowledged'],
        rows,
        'No incidents.',
      ),
    ),
  );
  for (const [i, row] of [...view.querySelectorAll('#incidents tbody tr')].entries()) {
    const incident = incidents[i];
    if (incident) row.setAttribute('data-incident', incident.id);
  }
}

/**
 * The list to show: with a status, that status only; without, every open incident and then the recent rest.
 * @param {string | undefined} status
 * @param {string | undefined} severity
 * @param {AbortSignal} signal
 * @returns {Promise<any[]>}
 */
async function listed(status, severity, signal) {
  if (status) return all('/incidents', { status, severity }, signal, 500);
  const [open, recent] = await Promise.all([
    all('/incidents', { status: 'open', severity }, signal, 500),
    get('/incidents', { severity, limit: RECENT }, signal),
  ]);
  const seen = new Set(open.map((i) => i.id));
  return [...open, .../** @type {any[]} */ (recent.items).filter((i) => !seen.has(i.id))];
}

/**
 * The filter form; applying it changes the hash, which renders the list again.
 * @param {string | undefined} status
 * @param {string | undefined} severity
 */
function filters(status, severity) {
  const statusSelect = h(
    'select',
    { name: 'status', 'aria-label': 'Status' },
    [['', 'open first, then recent'], ['open', 'open'], ...INCIDENT_STATUSES.map((s) => [s, s])].map(
      ([value, label]) => h('option', { value, selected: value === (status ?? '') }, label),
    ),
  );
  const severityInput = h('input', {
    name: 'severity',
    value: severity ?? '',
    list: 'severities',
    placeholder: 'any severity',
    'aria-label': 'Severity',
  });
  return h(
    'form',
    {
      class: 'filters',
      id: 'incident-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const query = new URLSearchParams();
        const s = /** @type {HTMLSelectElement} */ (statusSelect).value;
        const v = /** @type {HTMLInputElement} */ (severityInput).value.trim();
        if (s) query.set('status', s);
        if (v) query.set('severity', v);
        location.hash = `#/incidents${query.size ? `?${query}` : ''}`;
      },
    },
    h('label', {}, 'Status ', statusSelect),
    h('label', {}, 'Severity ', severityInput),
    suggestions('severities', DEFAULT_SEVERITIES),
    h('button', { type: 'submit' }, 'Filter'),
  );
}
