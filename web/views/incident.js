// One incident, as on-call needs it: what, how bad, whose; its clocks; the timeline; linked changes; the
// runbook; follow-ups, deliveries, action runs, similar past incidents; and the commands the role may give.
import { call, explain, get } from '../api.js';
import { badge, fact, h, link, replace, table, when } from '../dom.js';
import { renderMarkdown } from '../markdown.js';
import { incidentPath, severityBadge, statusBadge } from '../ops.js';
import { canCommandIncident, canSeeOpsInternals } from '../roles.js';
import { approvalButtons, followupForm, incidentCommands } from './incident-commands.js';
import { partnerLabel, partnerNames } from './onboardings.js';

/** Changes this long before the trigger are linked to an incident (as the post-incident report does). */
const CHANGE_LOOKBACK_MS = 24 * 3_600_000;

const CLOCK_NAMES = /** @type {Record<string, string>} */ ({
  acknowledge: 'Acknowledge',
  firstResolutionAttempt: 'First resolution attempt',
  mitigate: 'Mitigate',
  resolve: 'Resolve',
});

/**
 * Everything the page shows, read in parallel; staff-only reads are skipped for partner tokens.
 * @param {import('../api.js').Session} session
 * @param {string} id
 * @param {AbortSignal} signal
 */
async function load(session, id, signal) {
  const incident = await get(incidentPath(id), {}, signal);
  const staff = canSeeOpsInternals(session);
  const until = new Date(
    (incident.resolvedAt ? Date.parse(incident.resolvedAt) : Date.now()) + 1,
  ).toISOString();
  const [timeline, followups, runs, deliveries, changes, names] = await Promise.all([
    get(incidentPath(id, 'timeline'), {}, signal),
    get(incidentPath(id, 'followups'), {}, signal),
    get(incidentPath(id, 'actions'), {}, signal),
    staff ? get(incidentPath(id, 'deliveries'), {}, signal) : null,
    staff
      ? get(
          '/changes',
          {
            since: new Date(Date.parse(incident.openedAt) - CHANGE_LOOKBACK_MS).toISOString(),
            until,
            limit: 200,
          },
          signal,
        )
      : null,
    partnerNames(signal),
  ]);
  return {
    incident,
    timeline: /** @type {any[]} */ (timeline.items),
    followups: /** @type {any[]} */ (followups.items),
    runs: /** @type {any[]} */ (runs.items),
    deliveries: deliveries ? /** @type {any[]} */ (deliveries.items) : null,
    // Platform-wide changes and the incident's partner's own.
    changes: changes
      ? /** @type {any[]} */ (changes.items).filter(
          (c) => c.partnerId === null || c.partnerId === incident.partnerId,
        )
      : null,
    names,
  };
}

/** @typedef {Awaited<ReturnType<typeof load>>} Data */

/**
 * @param {import('../app.js').ViewContext} ctx
 * @param {string} id
 */
export async function renderIncident(ctx, id) {
  const { signal, view, session } = ctx;
  const notice = h('p', { class: 'notice', id: 'notice', role: 'status', hidden: true });
  const body = h('div', { class: 'incident' });
  /** @param {unknown} error */
  const showError = (error) => {
    notice.textContent = explain(error);
    notice.className = 'notice error';
    notice.hidden = false;
  };
  const refresh = async () => {
    view.setAttribute('data-state', 'loading');
    const data = await load(session, id, signal);
    if (signal.aborted) return;
    replace(body, build(data));
    view.setAttribute('data-state', 'ready');
  };
  /** @type {import('./incident-commands.js').Act} */
  const act = async (control, command) => {
    control.disabled = true;
    notice.hidden = true;
    try {
      await command();
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    if (!signal.aborted) await refresh().catch(showError);
  };

  /** @param {Data} data */
  const build = (data) => {
    const { incident: i, names } = data;
    const writer = canCommandIncident(session);
    const actionIds = data.runs.map((r) => r.actionId);
    return [
      h('h1', { id: 'incident-title' }, severityBadge(i.severity), ' ', i.title, ' ', statusBadge(i.status)),
      h('p', { class: 'summary', id: 'problem' }, i.summary),
      h(
        'dl',
        { class: 'facts', id: 'incident-facts' },
        fact('Incident', i.id),
        fact('Status', h('span', { id: 'incident-status' }, i.status)),
        fact('Severity', h('span', { id: 'incident-severity' }, i.severity)),
        fact('Partner', i.partnerId ? partnerLabel(names, i.partnerId) : '—'),
        fact('Onboarding', i.onboardingId ? link(['onboardings', i.onboardingId], i.onboardingId) : '—'),
        fact('Environment', i.environment),
        fact('Components', i.components.length ? i.components.join(', ') : '—'),
        fact('Detector', i.detectorId, h('small', {}, ` ${i.detectorKind}`)),
        fact('Impact', i.impact ?? '—'),
        fact('Dedup key', h('code', {}, i.dedupKey)),
        fact('Signature', h('code', {}, i.signature)),
        fact('Opened', when(i.openedAt)),
        fact('Acknowledged', when(i.acknowledgedAt)),
        fact('First resolution attempt', when(i.firstAttemptAt)),
        fact('Mitigated', when(i.mitigatedAt)),
        fact('Resolved', when(i.resolvedAt)),
        fact('Escalation', i.escalation ? `round ${i.escalation.round}, level ${i.escalation.level}` : '—'),
      ),
      writer ? incidentCommands(i, act, actionIds) : null,
      h('h2', {}, 'Clocks'),
      h('div', { id: 'clocks' }, clockTable(i.clocks)),
      h('h2', {}, 'Timeline'),
      h(
        'div',
        { id: 'timeline' },
        table(
          ['When', 'Type', 'Actor', 'Message'],
          data.timeline.map((e) => [when(e.at), badge(e.type), e.actor, e.message]),
          'Nothing on the timeline yet.',
        ),
      ),
      h('h2', {}, 'Runbook'),
      h('div', { id: 'runbook' }, runbook(i.runbook)),
      h('h2', {}, 'Action runs'),
      h(
        'div',
        { id: 'action-runs' },
        table(
          ['Action', 'Status', 'Requested', 'By', 'Outcome', ''],
          data.runs.map((r) => [
            r.actionId,
            badge(r.status),
            when(r.at),
            r.actor,
            outcome(r.detail),
            r.status === 'pending-approval' && writer ? approvalButtons(i.id, r, act) : '',
          ]),
          'No actions ran.',
        ),
      ),
      h('h2', {}, 'Follow-ups'),
      h(
        'div',
        { id: 'followups' },
        table(
          ['Follow-up', 'Owner', 'Due', 'Done'],
          data.followups.map((f) => [f.title, f.owner, when(f.dueAt), when(f.doneAt)]),
          'No follow-ups.',
        ),
      ),
      writer ? followupForm(i.id, act) : null,
      data.changes
        ? [
            h('h2', {}, 'Linked changes'),
            h('p', { class: 'hint' }, 'Changes from 24 hours before the trigger until the resolution.'),
            h(
              'div',
              { id: 'changes' },
              table(
                ['When', 'Kind', 'Change', 'Ref', 'Environment', 'By'],
                data.changes.map((c) => [
                  when(c.at),
                  c.kind,
                  c.title,
                  c.ref ?? '—',
                  c.environment ?? '—',
                  c.actor,
                ]),
                'No changes recorded around this incident.',
              ),
            ),
          ]
        : null,
      data.deliveries
        ? [
            h('h2', {}, 'Notifications'),
            h(
              'div',
              { id: 'deliveries' },
              table(
                ['Notifier', 'Event', 'Status', 'Attempts', 'Last error', 'Queued', 'Delivered'],
                data.deliveries.map((d) => [
                  d.notifier,
                  d.event,
                  badge(d.status),
                  String(d.attempts),
                  d.lastError ?? '—',
                  when(d.createdAt),
                  when(d.deliveredAt),
                ]),
                'Nobody was notified.',
              ),
            ),
          ]
        : null,
      h('h2', {}, 'Similar past incidents'),
      h(
        'div',
        { id: 'similar' },
        table(
          ['Incident', 'Opened', 'Status'],
          i.similar.map((/** @type {any} */ s) => [
            link(['incidents', s.id], s.title),
            when(s.openedAt),
            statusBadge(s.status),
          ]),
          'None with the same failure signature.',
        ),
      ),
      h('h2', {}, 'Post-incident report'),
      reportLoader(i.id, signal),
    ];
  };

  const data = await load(session, id, signal);
  if (signal.aborted) return;
  replace(body, build(data));
  replace(view, notice, body);
}

/**
 * Each clock of the severity: when it is due and whether it was met, breached, or still running.
 * @param {{ clock: string, deadline: string | null, metAt: string | null, breachedAt: string | null }[]} clocks
 */
function clockTable(clocks) {
  const now = Date.now();
  return table(
    ['Clock', 'Due', 'Met', 'Breached', 'State'],
    clocks.map((c) => {
      const overdue = !c.metAt && !c.breachedAt && c.deadline !== null && Date.parse(c.deadline) < now;
      const state = c.breachedAt ? 'breached' : c.metAt ? 'met' : overdue ? 'overdue' : 'running';
      return [
        CLOCK_NAMES[c.clock] ?? c.clock,
        when(c.deadline),
        when(c.metAt),
        when(c.breachedAt),
        badge(state),
      ];
    }),
    'The severity has no clocks.',
  );
}

/**
 * The linked runbook, rendered from its Markdown as DOM (never as HTML).
 * @param {{ name: string, markdown: string | null } | null} book
 */
function runbook(book) {
  if (!book) return h('p', { class: 'empty' }, 'No runbook is linked to this detector.');
  if (book.markdown === null)
    return h('p', { class: 'empty' }, `Runbook ${book.name}: its file could not be read by the service.`);
  return h('article', { class: 'runbook', 'data-runbook': book.name }, renderMarkdown(book.markdown));
}

/**
 * What an action run's detail says, short: the reason it was skipped, its result, its error or HTTP status.
 * @param {any} detail
 */
function outcome(detail) {
  if (!detail || typeof detail !== 'object') return '—';
  const parts = [];
  for (const key of ['reason', 'result', 'error', 'approvedBy', 'rejectedBy']) {
    const value = detail[key];
    if (typeof value === 'string' && value)
      parts.push(
        key === 'approvedBy' ? `approved by ${value}` : key === 'rejectedBy' ? `rejected by ${value}` : value,
      );
  }
  if (typeof detail.httpStatus === 'number') parts.push(`HTTP ${detail.httpStatus}`);
  return parts.length ? parts.join(' · ') : '—';
}

/**
 * A button that fetches the post-incident report and shows its Markdown source as text.
 * @param {string} id
 * @param {AbortSignal} signal
 */
function reportLoader(id, signal) {
  const out = h('pre', { class: 'raw', id: 'report', hidden: true });
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', 'data-action': 'report' }, 'Show report')
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const report = await call('GET', `/api/v1${incidentPath(id, 'report')}`, { signal });
      out.textContent = report.markdown;
    } catch (error) {
      out.textContent = explain(error);
    }
    out.hidden = false;
    button.disabled = false;
  });
  return h('div', {}, button, out);
}
