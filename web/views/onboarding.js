// One onboarding: its stages in order with their gates, runs, sign-offs, waivers and transitions, and
// the actions the token's role may take (run a stage and follow it live, sign off, advance).
import { all, call, explain, get } from '../api.js';
import { badge, fact, h, link, replace, table, when } from '../dom.js';
import { canAdvance, canRun, canSign } from '../roles.js';
import { showLiveRun } from './live.js';
import { monitoringSection } from './monitoring.js';
import { partnerLabel, partnerNames, reasonList } from './onboardings.js';

/** @typedef {import('../app.js').ViewContext} ViewContext */

/**
 * Everything the page shows, read in parallel.
 * @param {string} id
 * @param {AbortSignal} signal
 */
async function load(id, signal) {
  const path = `/onboardings/${encodeURIComponent(id)}`;
  const onboarding = await get(path, {}, signal);
  const [version, runs, signoffs, waivers, transitions, names] = await Promise.all([
    get(`/playbooks/${encodeURIComponent(onboarding.playbookVersionId)}`, {}, signal),
    all('/runs', { onboardingId: id }, signal, 400),
    get('/signoffs', { onboardingId: id }, signal),
    get('/waivers', { onboardingId: id }, signal),
    get(`${path}/transitions`, {}, signal),
    partnerNames(signal),
  ]);
  /** @type {any[]} */
  const stages = version.stages;
  const gates = await Promise.all(
    stages.map((s) => get(`${path}/gates/${encodeURIComponent(s.id)}`, {}, signal)),
  );
  return {
    onboarding,
    version,
    stages,
    gates,
    runs,
    signoffs: /** @type {any[]} */ (signoffs.items),
    waivers: /** @type {any[]} */ (waivers.items),
    transitions: /** @type {any[]} */ (transitions.items),
    names,
  };
}

/** @typedef {Awaited<ReturnType<typeof load>>} Data */

/**
 * @param {ViewContext} ctx
 * @param {string} id
 */
export async function renderOnboarding(ctx, id) {
  const { signal, view } = ctx;
  const notice = h('p', { class: 'notice', id: 'notice', role: 'status', hidden: true });
  const live = h('div', { class: 'live-host', id: 'live' });
  const body = h('div', { class: 'onboarding' });

  const refresh = async () => {
    view.setAttribute('data-state', 'loading');
    const data = await load(id, signal);
    if (signal.aborted) return;
    replace(body, build(data));
    view.setAttribute('data-state', 'ready');
  };

  /**
   * Runs an action from a button: the button waits, errors go to the notice, the page is read again.
   * @param {HTMLButtonElement} button
   * @param {() => Promise<void>} action
   */
  const act = async (button, action) => {
    button.disabled = true;
    notice.hidden = true;
    try {
      await action();
    } catch (error) {
      if (signal.aborted) return;
      notice.textContent = explain(error);
      notice.className = 'notice error';
      notice.hidden = false;
    }
    if (!signal.aborted) await refresh().catch((error) => showError(error));
  };
  /** @param {unknown} error */
  const showError = (error) => {
    notice.textContent = explain(error);
    notice.className = 'notice error';
    notice.hidden = false;
  };

  /** @param {Data} data */
  const build = (data) => {
    const { onboarding, stages, gates, names } = data;
    return [
      h('h1', {}, partnerLabel(names, onboarding.partnerId), ' · ', onboarding.playbookName),
      h(
        'dl',
        { class: 'facts' },
        fact('Onboarding', onboarding.id),
        fact('Current stage', h('span', { id: 'current-stage' }, onboarding.currentStage)),
        fact('Playbook', `${data.version.name} ${data.version.version}`),
        fact(
          'Version',
          h('code', { title: onboarding.playbookVersionId }, short(onboarding.playbookVersionId)),
        ),
        fact('Started', when(onboarding.startedAt), ` by ${onboarding.createdBy}`),
      ),
      h('h2', {}, 'Stages'),
      stages.map((stage, i) => stageCard(data, stage, gates[i])),
      h('h2', {}, 'Sign-offs'),
      table(
        ['Stage', 'Role', 'Who', 'Run', 'Evidence', 'When', 'Note'],
        data.signoffs.map((s) => [
          s.stage,
          s.role,
          s.who,
          link(['runs', s.runId], short(s.runId)),
          h('code', { title: s.evidenceHash }, short(s.evidenceHash)),
          when(s.at),
          s.note ?? '',
        ]),
        'No sign-offs yet.',
      ),
      h('h2', {}, 'Waivers'),
      table(
        ['Stage', 'Check', 'Reason', 'Approver', 'Expires', 'State'],
        data.waivers.map((w) => [
          w.stage ?? 'every stage',
          w.checkId,
          w.reason,
          w.approver,
          when(w.expiresAt),
          badge(waiverState(w)),
        ]),
        'No waivers.',
      ),
      h('h2', {}, 'Transitions'),
      h(
        'div',
        { id: 'transitions' },
        table(
          ['From', 'To', 'Who', 'Why', 'When'],
          data.transitions.map((t) => [t.from ?? '(start)', t.to, t.who, t.why, when(t.at)]),
          'No transitions yet.',
        ),
      ),
    ];
  };

  /**
   * @param {Data} data
   * @param {any} stage
   * @param {any} gate
   */
  const stageCard = (data, stage, gate) => {
    const { onboarding, session } = { ...data, session: ctx.session };
    const current = stage.id === onboarding.currentStage;
    const runs = data.runs.filter((r) => r.stage === stage.id);
    /** @type {HTMLElement[]} */
    const actions = [];
    if (canRun(session, stage)) {
      const button = h('button', { type: 'button', 'data-action': 'run' }, `Run ${stage.id}`);
      button.addEventListener('click', () =>
        act(/** @type {HTMLButtonElement} */ (button), async () => {
          const run = await call('POST', '/api/v1/runs', {
            body: { onboardingId: onboarding.id, stage: stage.id },
          });
          await refresh();
          await showLiveRun(live, run.id, signal);
        }),
      );
      actions.push(button);
    }
    for (const role of gate.signoffs.pending) {
      if (!gate.run || !canSign(session, role)) continue;
      const button = h(
        'button',
        { type: 'button', 'data-action': 'signoff', 'data-role': role },
        `Sign off as ${role}`,
      );
      button.addEventListener('click', () =>
        act(/** @type {HTMLButtonElement} */ (button), async () => {
          await call('POST', '/api/v1/signoffs', {
            body: {
              onboardingId: onboarding.id,
              stage: stage.id,
              role,
              runId: gate.run.id,
              ...(gate.run.evidenceHash && { evidenceHash: gate.run.evidenceHash }),
            },
          });
        }),
      );
      actions.push(button);
    }
    if (current && gate.next && canAdvance(session)) actions.push(advanceForm(onboarding, gate));
    return h(
      'article',
      { class: `stage${current ? ' current' : ''}`, 'data-stage': stage.id },
      h(
        'h3',
        {},
        stage.id,
        stage.title ? ` — ${stage.title}` : null,
        current ? h('span', { class: 'tag' }, 'current') : null,
      ),
      h(
        'p',
        { class: 'gate' },
        'Gate: ',
        h('span', { 'data-verdict': gate.verdict }, badge(gate.verdict)),
        gate.freshUntil ? h('small', {}, ' fresh until ', when(gate.freshUntil)) : null,
      ),
      h('div', { class: 'blockers' }, reasonList(gate)),
      gate.notes.length
        ? h(
            'ul',
            { class: 'notes' },
            gate.notes.map((/** @type {string} */ n) => h('li', {}, n)),
          )
        : null,
      table(
        ['Check', 'Required', 'Outcome', 'Blocking', 'Waived by'],
        gate.checks.map((/** @type {any} */ c) => [
          c.checkId,
          c.required ? 'yes' : 'no',
          badge(c.outcome),
          c.blocking ? 'yes' : 'no',
          c.waivedBy
            ? `${c.waivedBy.approver} until ${new Date(c.waivedBy.expiresAt).toLocaleString()}`
            : '—',
        ]),
        'No checks.',
      ),
      h(
        'p',
        { class: 'signoff-roles' },
        'Sign-off: ',
        gate.signoffs.required.length === 0
          ? 'none required'
          : gate.signoffs.required.map((/** @type {string} */ role, /** @type {number} */ i) => [
              i > 0 ? ', ' : '',
              role,
              gate.signoffs.pending.includes(role) ? ' (pending)' : ' (signed)',
            ]),
      ),
      actions.length ? h('div', { class: 'actions' }, actions) : null,
      h('h4', {}, 'Runs'),
      table(
        ['Run', 'Status', 'Source', 'Queued', 'By', 'Finished'],
        runs.map((r) => [
          link(['runs', r.id], short(r.id)),
          badge(r.status),
          r.source,
          when(r.createdAt),
          r.createdBy,
          when(r.finishedAt),
        ]),
        'No runs yet.',
      ),
    );
  };

  /**
   * Advancing is recorded with a reason; `to` guards against a double click moving two stages.
   * @param {any} onboarding
   * @param {any} gate
   */
  const advanceForm = (onboarding, gate) => {
    const why = h('input', {
      name: 'why',
      required: true,
      placeholder: 'Why (kept in the audit trail)',
      'aria-label': 'Why',
    });
    const button = h('button', { type: 'submit', 'data-action': 'advance' }, `Advance to ${gate.next}`);
    if (gate.verdict !== 'open') {
      button.setAttribute('disabled', '');
      button.setAttribute('title', 'The gate is blocked');
    }
    return h(
      'form',
      {
        class: 'advance',
        onsubmit: (event) => {
          event.preventDefault();
          void act(/** @type {HTMLButtonElement} */ (button), async () => {
            await call('POST', `/api/v1/onboardings/${encodeURIComponent(onboarding.id)}/transitions`, {
              body: { why: /** @type {HTMLInputElement} */ (why).value, to: gate.next },
            });
          });
        },
      },
      why,
      button,
    );
  };

  const data = await load(id, signal);
  if (signal.aborted) return;
  replace(body, build(data));
  replace(view, notice, live, body, monitoringSection(ctx, id));
}

/** @param {string} id */
export function short(id) {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** @param {{ revokedAt: string | null, expiresAt: string }} waiver */
function waiverState(waiver) {
  if (waiver.revokedAt) return 'revoked';
  return Date.parse(waiver.expiresAt) <= Date.now() ? 'expired' : 'active';
}
