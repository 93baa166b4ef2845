import { InputError } from '../core/errors.js';
import { email } from './email.js';
import { github } from './github.js';
import { jira } from './jira.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import type { NotifierKind } from './types.js';
import { webhook } from './webhook.js';

export { DeliveryError, isRetryableStatus, parseRetryAfter, scrub } from './errors.js';
export { secretValues } from './options.js';
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './signature.js';
export type * from './types.js';
export { NOTIFICATION_EVENTS } from './types.js';

/** Every notifier type, one line each (docs/CONTRIBUTING.md: adding a notifier). */
export const NOTIFIERS: readonly NotifierKind[] = [
  webhook,
  slack,
  teams,
  pagerduty,
  opsgenie,
  email,
  github,
  jira,
] as readonly NotifierKind[];

/** The notifier kind of a type; undefined when there is none. */
export function notifierKind(type: string): NotifierKind | undefined {
  return NOTIFIERS.find((kind) => kind.type === type);
}

/**
 * Validates one playbook notifier (`{ type, ...options }`) and returns its kind and parsed options.
 * Throws InputError "notify.unknown-type" or "notify.invalid-options" (each problem with its path).
 */
export function parseNotifier(name: string, config: unknown): { kind: NotifierKind; options: unknown } {
  const { type, ...rest } = (config ?? {}) as { type?: unknown };
  const kind = typeof type === 'string' ? notifierKind(type) : undefined;
  if (kind === undefined) {
    const types = NOTIFIERS.map((k) => k.type).join(', ');
    throw new InputError('notify.unknown-type', `notifier "${name}": type must be one of ${types}`);
  }
  const parsed = kind.options.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new InputError(
      'notify.invalid-options',
      `notifier "${name}" (${kind.type}): ${problems.join('; ')}`,
    );
  }
  return { kind, options: parsed.data };
}
