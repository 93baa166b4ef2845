// What the signed-in token may do; the API enforces the same rules, this only hides what would be refused.

/** @typedef {import('./api.js').Session} Session */

/** @param {Session} session */
export const isStaff = (session) => session.role !== 'partner';

/** @param {Session} session */
export const isWriter = (session) => session.role === 'admin' || session.role === 'operator';

/**
 * Partners run only the stages their playbook opens to them.
 * @param {Session} session
 * @param {{ partnerRuns: boolean }} stage
 */
export const canRun = (session, stage) =>
  isWriter(session) || (session.role === 'partner' && stage.partnerRuns);

/**
 * The "partner" role is signed by the partner's own token, owner roles by admins and operators.
 * @param {Session} session
 * @param {string} role
 */
export const canSign = (session, role) =>
  role === 'partner' ? session.role === 'partner' : isWriter(session);

/** @param {Session} session */
export const canAdvance = (session) => isWriter(session);

/** Incident commands (acknowledge, attempt, mitigate, resolve, note, severity, actions, approvals). @param {Session} session */
export const canCommandIncident = (session) => isWriter(session);

/** Deliveries and change markers are staff reads. @param {Session} session */
export const canSeeOpsInternals = (session) => isStaff(session);

/** Switching an onboarding's monitoring on or off. @param {Session} session */
export const canSwitchMonitoring = (session) => isWriter(session);
