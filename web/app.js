// The dashboard's shell: sign-in with a pasted token, sign-out, and hash routing to the views.
import { ApiError, explain, forgetToken, session, storedToken, storeToken } from './api.js';
import { h, replace } from './dom.js';
import { isStaff } from './roles.js';
import { renderAudit } from './views/audit.js';
import { renderIncident } from './views/incident.js';
import { renderIncidents } from './views/incidents.js';
import { renderMetrics } from './views/metrics.js';
import { renderOnboarding } from './views/onboarding.js';
import { renderOnboardings } from './views/onboardings.js';
import { renderEvidence, renderRun } from './views/run.js';

/**
 * @typedef {object} ViewContext
 * @property {import('./api.js').Session} session who is signed in
 * @property {HTMLElement} view where the view renders
 * @property {AbortSignal} signal aborted when the user navigates away
 * @property {() => void} reload renders the current view again
 */

/** @typedef {(ctx: ViewContext, ...params: string[]) => Promise<void>} View */

/** @type {[RegExp, View, string][]} */
const ROUTES = [
  [/^#?\/?$/, renderOnboardings, 'onboardings'],
  [/^#\/onboardings\/([^/]+)$/, renderOnboarding, 'onboardings'],
  [/^#\/runs\/([^/]+)$/, renderRun, 'onboardings'],
  [/^#\/results\/([^/]+)\/evidence$/, renderEvidence, 'onboardings'],
  [/^#\/incidents(?:\?[^/]*)?$/, renderIncidents, 'incidents'],
  [/^#\/incidents\/([^/?]+)$/, renderIncident, 'incidents'],
  [/^#\/metrics$/, renderMetrics, 'metrics'],
  [/^#\/audit$/, renderAudit, 'audit'],
];

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {import('./api.js').Session | null} */
let current = null;
/** @type {AbortController | null} */
let navigation = null;

async function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => void route());
  if (!storedToken()) return showSignIn();
  try {
    current = await session();
  } catch (error) {
    forgetToken();
    return showSignIn(error instanceof ApiError && error.status !== 401 ? error.message : '');
  }
  showSignedIn();
}

/** @param {SubmitEvent} event */
async function signIn(event) {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('token'));
  const token = input.value.trim();
  const error = $('signin-error');
  error.hidden = true;
  try {
    current = await session(token);
  } catch (failure) {
    error.textContent =
      failure instanceof ApiError && failure.status === 401
        ? 'That token is unknown or revoked.'
        : `Could not sign in: ${failure instanceof Error ? failure.message : String(failure)}`;
    error.hidden = false;
    return;
  }
  storeToken(token);
  input.value = '';
  showSignedIn();
}

function signOut() {
  forgetToken();
  current = null;
  navigation?.abort();
  replace($('view'));
  showSignIn();
}

/** @param {string} [message] */
function showSignIn(message = '') {
  $('signin').hidden = false;
  $('nav').hidden = true;
  $('who').hidden = true;
  const error = $('signin-error');
  error.textContent = message;
  error.hidden = message === '';
}

function showSignedIn() {
  if (!current) return;
  $('signin').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  const scope = current.partnerId ? ` · partner ${current.partnerId}` : '';
  $('who-name').textContent = `${current.name} (${current.role}${scope})`;
  for (const staffOnly of document.querySelectorAll('[data-staff]')) {
    /** @type {HTMLElement} */ (staffOnly).hidden = !isStaff(current);
  }
  void route();
}

async function route() {
  if (!current) return;
  navigation?.abort();
  navigation = new AbortController();
  const { signal } = navigation;
  const hash = location.hash;
  const view = $('view');
  const match = ROUTES.map(([pattern, render, nav]) => ({ found: pattern.exec(hash), render, nav })).find(
    (r) => r.found,
  );
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.getAttribute('data-nav') === match?.nav);
  }
  view.setAttribute('data-state', 'loading');
  view.setAttribute('aria-busy', 'true');
  replace(view, h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (!match?.found) throw new ApiError(404, 'view.unknown', `There is no page ${hash}.`);
    const params = match.found.slice(1).map((p) => decodeURIComponent(p));
    await match.render({ session: current, view, signal, reload: () => void route() }, ...params);
    if (signal.aborted) return;
    view.setAttribute('data-state', 'ready');
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) {
      forgetToken();
      current = null;
      return showSignIn('The token stopped working (revoked?). Sign in again.');
    }
    replace(view, h('p', { class: 'error', role: 'alert' }, explain(error)));
    view.setAttribute('data-state', 'error');
  } finally {
    if (!signal.aborted) view.removeAttribute('aria-busy');
  }
}

void start();
