// Every onboarding the token may see, with its current stage's gate and what blocks it.
import { all, get } from '../api.js';
import { badge, h, link, replace, table, when } from '../dom.js';

/**
 * Runs `task` over `items` with at most `limit` at once (one gate request per onboarding).
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function pool(items, limit, task) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(/** @type {T} */ (items[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Partner names by id (a partner token gets only its own).
 * @param {AbortSignal} signal
 * @returns {Promise<Map<string, string>>}
 */
export async function partnerNames(signal) {
  const partners = await all('/partners', {}, signal);
  return new Map(partners.map((p) => [p.id, p.name]));
}

/**
 * The partner's name with its id beside it.
 * @param {Map<string, string>} names
 * @param {string} id
 */
export function partnerLabel(names, id) {
  const name = names.get(id);
  return h('span', { class: 'partner' }, name ?? id, name && name !== id ? h('small', {}, ` ${id}`) : null);
}

/**
 * The gate's reasons as a list, or a dash when nothing blocks.
 * @param {{ reasons: string[] }} gate
 */
export function reasonList(gate) {
  if (gate.reasons.length === 0) return '—';
  return h(
    'ul',
    { class: 'reasons' },
    gate.reasons.map((r) => h('li', {}, r)),
  );
}

/** @param {import('../app.js').ViewContext} ctx */
export async function renderOnboardings(ctx) {
  const { signal } = ctx;
  const [onboardings, names] = await Promise.all([all('/onboardings', {}, signal), partnerNames(signal)]);
  const gates = await pool(onboardings, 6, (o) =>
    get(`/onboardings/${encodeURIComponent(o.id)}/gates/${encodeURIComponent(o.currentStage)}`, {}, signal),
  );
  const blocked = gates.filter((g) => g.verdict === 'blocked').length;
  const rows = onboardings.map((o, i) => {
    const gate = gates[i];
    return [
      link(['onboardings', o.id], partnerLabel(names, o.partnerId)),
      o.playbookName,
      o.currentStage,
      badge(gate.verdict),
      reasonList(gate),
      when(o.startedAt),
    ];
  });
  replace(
    ctx.view,
    h('h1', {}, 'Onboardings'),
    h(
      'p',
      { class: 'summary' },
      `${onboardings.length} onboarding${onboardings.length === 1 ? '' : 's'}, ${blocked} blocked at their current stage.`,
    ),
    h(
      'div',
      { id: 'onboardings' },
      table(
        ['Partner', 'Playbook', 'Current stage', 'Gate', 'Blocked by', 'Started'],
        rows,
        'No onboardings yet.',
      ),
    ),
  );
  for (const [i, row] of [...ctx.view.querySelectorAll('#onboardings tbody tr')].entries()) {
    const o = onboardings[i];
    if (o) row.setAttribute('data-onboarding', o.id);
  }
}
