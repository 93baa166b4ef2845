// The commands an on-call engineer gives an incident from its page: acknowledge, record a resolution
// attempt, mitigate, resolve, add a note, change the severity, run a playbook action, approve or reject a
// waiting run, add a follow-up. Shown only to roles the API lets do them (web/roles.js); each one calls
// the API and the page is read again from it.
import { call } from '../api.js';
import { h } from '../dom.js';
import { DEFAULT_SEVERITIES, incidentPath, suggestions } from '../ops.js';

/**
 * Runs a command from a button or form: the control waits, a failure goes to the notice, the page is read again.
 * @typedef {(control: HTMLButtonElement, command: () => Promise<unknown>) => Promise<void>} Act
 */

/**
 * @param {string} incidentId
 * @param {string} rest
 * @param {unknown} [body]
 */
const post = (incidentId, rest, body = {}) =>
  call('POST', `/api/v1${incidentPath(incidentId, rest)}`, { body });

/**
 * A one-click command button.
 * @param {string} action the data-action attribute (tests and people find buttons by it)
 * @param {string} label
 * @param {Act} act
 * @param {() => Promise<unknown>} command
 */
function commandButton(action, label, act, command) {
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', 'data-action': action }, label)
  );
  button.addEventListener('click', () => void act(button, command));
  return button;
}

/**
 * A one-field form: the text goes into the command; the field is cleared once the command went through.
 * @param {{ action: string, label: string, field: string, placeholder: string, required?: boolean, list?: string }} spec
 * @param {Act} act
 * @param {(value: string) => Promise<unknown>} command
 */
function commandForm(spec, act, command) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      name: spec.field,
      placeholder: spec.placeholder,
      'aria-label': spec.placeholder,
      required: spec.required ?? true,
      list: spec.list,
      autocomplete: 'off',
    })
  );
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'submit', 'data-action': spec.action }, spec.label)
  );
  return h(
    'form',
    {
      class: 'command',
      'data-command': spec.action,
      onsubmit: (event) => {
        event.preventDefault();
        void act(button, () => command(input.value.trim()));
      },
    },
    input,
    button,
  );
}

/**
 * The command controls for an incident in its current status (the state machine's rules, docs/incidents.md).
 * @param {any} incident
 * @param {Act} act
 * @param {string[]} actionIds action ids seen on this incident (suggestions; the API knows the playbook's)
 */
export function incidentCommands(incident, act, actionIds) {
  const id = incident.id;
  const status = incident.status;
  const open = status !== 'resolved';
  return h(
    'section',
    { class: 'commands', id: 'commands' },
    h(
      'div',
      { class: 'actions' },
      status === 'triggered'
        ? commandButton('acknowledge', 'Acknowledge', act, () => post(id, 'acknowledge'))
        : null,
      status === 'triggered' || status === 'acknowledged'
        ? commandButton('mitigate', 'Mark mitigated', act, () => post(id, 'mitigate'))
        : null,
      open ? commandButton('resolve', 'Resolve', act, () => post(id, 'resolve')) : null,
    ),
    open
      ? commandForm(
          {
            action: 'attempt',
            label: 'Record resolution attempt',
            field: 'what',
            placeholder: 'What was tried',
          },
          act,
          (what) => post(id, 'attempts', { what }),
        )
      : null,
    commandForm(
      { action: 'note', label: 'Add note', field: 'text', placeholder: 'Note for the timeline' },
      act,
      (text) => post(id, 'notes', { text }),
    ),
    open
      ? commandForm(
          {
            action: 'severity',
            label: 'Change severity',
            field: 'severity',
            placeholder: 'New severity',
            list: 'severity-ids',
          },
          act,
          (severity) => post(id, 'severity', { severity }),
        )
      : null,
    open ? suggestions('severity-ids', [...DEFAULT_SEVERITIES, incident.severity]) : null,
    commandForm(
      {
        action: 'run-action',
        label: 'Run action',
        field: 'action',
        placeholder: 'Playbook action id',
        list: 'action-ids',
      },
      act,
      (action) => post(id, 'actions', { action }),
    ),
    suggestions('action-ids', actionIds),
  );
}

/**
 * Approve and reject buttons for a run waiting for approval.
 * @param {string} incidentId
 * @param {any} run
 * @param {Act} act
 */
export function approvalButtons(incidentId, run, act) {
  const path = `actions/${encodeURIComponent(run.id)}`;
  return h(
    'span',
    { class: 'actions' },
    commandButton('approve', 'Approve', act, () => post(incidentId, `${path}/approve`)),
    commandButton('reject', 'Reject', act, () => post(incidentId, `${path}/reject`)),
  );
}

/**
 * A follow-up form: title, owner, optional due date.
 * @param {string} incidentId
 * @param {Act} act
 */
export function followupForm(incidentId, act) {
  const title = /** @type {HTMLInputElement} */ (
    h('input', { name: 'title', required: true, placeholder: 'Follow-up', 'aria-label': 'Follow-up' })
  );
  const owner = /** @type {HTMLInputElement} */ (
    h('input', { name: 'owner', required: true, placeholder: 'Owner', 'aria-label': 'Owner' })
  );
  const due = /** @type {HTMLInputElement} */ (
    h('input', { name: 'due', type: 'date', 'aria-label': 'Due date' })
  );
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'submit', 'data-action': 'followup' }, 'Add follow-up')
  );
  return h(
    'form',
    {
      class: 'command',
      'data-command': 'followup',
      onsubmit: (event) => {
        event.preventDefault();
        void act(button, () =>
          post(incidentId, 'followups', {
            title: title.value.trim(),
            owner: owner.value.trim(),
            // End of the chosen day, in the user's time zone.
            ...(due.value && { dueAt: new Date(`${due.value}T23:59:59`).toISOString() }),
          }),
        );
      },
    },
    title,
    owner,
    due,
    button,
  );
}
