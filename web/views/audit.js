// The audit trail (staff only): the hash chain's verification and its events, oldest first.
import { ApiError, get } from '../api.js';
import { h, replace, when } from '../dom.js';
import { isStaff, isWriter } from '../roles.js';
import { short } from './onboarding.js';

const PAGE = 100;

/** @param {import('../app.js').ViewContext} ctx */
export async function renderAudit(ctx) {
  const { signal, view, session } = ctx;
  if (!isStaff(session)) throw new ApiError(403, 'auth.forbidden', 'The audit trail spans every partner.');
  const [verification, first] = await Promise.all([
    isWriter(session) ? get('/audit/verification', {}, signal) : Promise.resolve(undefined),
    get('/audit', { afterSeq: 0, limit: PAGE }, signal),
  ]);
  const rows = h('tbody');
  /** @param {any[]} events */
  const add = (events) => {
    for (const e of events) {
      rows.appendChild(
        h(
          'tr',
          {},
          [
            String(e.seq),
            when(e.at),
            e.actor,
            e.action,
            e.subject,
            h('code', { title: e.hash }, short(e.hash)),
          ].map((cell) => h('td', {}, cell)),
        ),
      );
    }
  };
  add(first.items);
  let cursor = first.nextCursor;
  const more = h('button', { type: 'button' }, 'Load more');
  more.hidden = !cursor;
  more.addEventListener('click', async () => {
    more.setAttribute('disabled', '');
    const page = await get('/audit', { afterSeq: cursor, limit: PAGE }, signal);
    add(page.items);
    cursor = page.nextCursor;
    more.removeAttribute('disabled');
    more.hidden = !cursor;
  });
  replace(
    view,
    h('h1', {}, 'Audit trail'),
    h('section', { id: 'verification', class: 'verification' }, describeVerification(verification)),
    h(
      'table',
      { id: 'audit-events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'When', 'Actor', 'Action', 'Subject', 'Hash'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      rows,
    ),
    more,
  );
}

/** @param {any} result */
function describeVerification(result) {
  if (!result) return h('p', {}, 'Verifying the chain needs an admin or operator token.');
  if (result.ok) {
    return h(
      'p',
      { class: 'ok', 'data-ok': 'true' },
      `The chain is intact: ${result.events} events, head `,
      h('code', {}, result.headHash),
      '.',
    );
  }
  return h(
    'p',
    { class: 'error', role: 'alert', 'data-ok': 'false' },
    `The chain is broken at event #${result.firstBroken}: ${result.reason}`,
  );
}
