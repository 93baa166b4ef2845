// The monitoring switch of one onboarding (its playbook's monitors on or off) and each monitor's latest
// samples. It loads on its own, so an onboarding page still shows when monitoring cannot be read.
import { call, explain, get } from '../api.js';
import { badge, duration, h, replace, table, when } from '../dom.js';
import { canSwitchMonitoring } from '../roles.js';

/** Samples shown per monitor when asked for. */
const SAMPLES = 10;

/**
 * A section that reads GET /onboardings/{id}/monitoring, offers the switch to writers, and lists monitors.
 * @param {import('../app.js').ViewContext} ctx
 * @param {string} onboardingId
 * @returns {HTMLElement}
 */
export function monitoringSection(ctx, onboardingId) {
  const { signal, session } = ctx;
  const path = `/onboardings/${encodeURIComponent(onboardingId)}`;
  const section = h('section', { id: 'monitoring', 'data-state': 'loading' }, h('h2', {}, 'Monitoring'));
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const notice = h('p', { class: 'notice error', role: 'status', hidden: true });
  section.append(notice, body);

  /** @param {any} monitoring */
  const show = (monitoring) => {
    /** @type {HTMLButtonElement | null} */
    let toggle = null;
    if (canSwitchMonitoring(session)) {
      const button = /** @type {HTMLButtonElement} */ (
        h(
          'button',
          { type: 'button', 'data-action': 'monitoring', 'data-enabled': String(monitoring.enabled) },
          monitoring.enabled ? 'Turn monitoring off' : 'Turn monitoring on',
        )
      );
      button.addEventListener('click', async () => {
        button.disabled = true;
        notice.hidden = true;
        try {
          const updated = await call('PUT', `/api/v1${path}/monitoring`, {
            body: { enabled: !monitoring.enabled },
            signal,
          });
          if (!signal.aborted) show(updated);
        } catch (error) {
          if (signal.aborted) return;
          notice.textContent = explain(error);
          notice.hidden = false;
          button.disabled = false;
        }
      });
      toggle = button;
    }
    section.setAttribute('data-state', 'ready');
    section.setAttribute('data-enabled', String(monitoring.enabled));
    replace(
      body,
      h(
        'p',
        { class: 'actions' },
        h('span', { id: 'monitoring-state' }, badge(monitoring.enabled ? 'on' : 'off')),
        monitoring.changedAt
          ? h('small', {}, ' since ', when(monitoring.changedAt), ` by ${monitoring.changedBy ?? '?'}`)
          : null,
        toggle,
      ),
      table(
        ['Monitor', 'Environment', 'Check', 'Every', 'Last sample', 'Outcome', ''],
        monitoring.monitors.map((/** @type {any} */ m) => {
          const samples = h('div', { class: 'samples', 'data-monitor': m.id });
          return [
            m.id,
            m.environment,
            m.kind,
            duration(m.everyMs),
            when(m.lastAt),
            m.lastOutcome ? badge(m.lastOutcome) : '—',
            [sampleButton(path, m.id, samples, signal), samples],
          ];
        }),
        'The playbook declares no monitors.',
      ),
    );
  };

  get(`${path}/monitoring`, {}, signal).then(show, (error) => {
    if (signal.aborted) return;
    section.setAttribute('data-state', 'error');
    replace(body, h('p', { class: 'error' }, `Monitoring could not be read: ${explain(error)}`));
  });
  return section;
}

/**
 * A button that lists a monitor's latest samples under it.
 * @param {string} path
 * @param {string} monitorId
 * @param {HTMLElement} into
 * @param {AbortSignal} signal
 */
function sampleButton(path, monitorId, into, signal) {
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', 'data-action': 'samples' }, 'Latest samples')
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const samples = await get(`${path}/samples`, { monitorId, limit: SAMPLES }, signal);
      replace(
        into,
        table(
          ['When', 'Outcome', 'Took', 'Findings'],
          samples.items.map((/** @type {any} */ s) => [
            when(new Date(s.at).toISOString()),
            badge(s.outcome),
            duration(s.durationMs),
            s.error ? s.error.message : s.findings.map((/** @type {any} */ f) => f.message).join('; ') || '—',
          ]),
          'No samples yet.',
        ),
      );
    } catch (error) {
      replace(into, h('p', { class: 'error' }, explain(error)));
    }
    button.disabled = false;
  });
  return button;
}
