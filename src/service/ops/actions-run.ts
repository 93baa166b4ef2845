import { errorMessage, GangwayError } from '../../core/errors.js';
import type { ActionConfig } from '../../core/ops/types.js';
import type { JobQueue } from '../../jobs/index.js';
import { describeUrl, send } from '../../notify/http.js';
import {
  type NotificationMessage,
  notifierKind,
  SIGNATURE_HEADER,
  scrub,
  secretValues,
  signWebhook,
} from '../../notify/index.js';
import { resolveValue } from '../../playbook/references.js';
import { createResolver, mapSecretSource } from '../../playbook/secrets.js';
import type { ActionRun, Incident, Store } from '../../store/index.js';
import type { PlaybookVersions } from '../playbooks.js';
import type { RunDetail } from './actions.js';
import { MONITOR_JOB, monitorJobKey } from './monitor-job.js';
import { notifiedIncident } from './notified-incident.js';
import type { NotifyClients } from './notify-clients.js';

/** What executing an action needs. */
export interface ExecuteDeps {
  store: Store;
  jobs: Pick<JobQueue, 'add'>;
  versions: PlaybookVersions;
  now(): number;
  /** Guarded HTTP agents per host set and partners' secrets, shared with deliveries. */
  clients: NotifyClients;
}

/** How an execution ended without throwing: what the timeline and the run record say. */
export interface Executed {
  result: string;
  httpStatus?: number;
  ref?: unknown;
}

/** Secret values to scrub from anything an execution reports. */
export type Secrets = string[];

/** The body a webhook action's receiver gets (docs/incidents.md, "Actions"). */
export function actionBody(
  action: Extract<ActionConfig, { type: 'webhook' }>,
  incident: Incident,
  run: ActionRun,
  at: number,
): Record<string, unknown> {
  const detail = (run.detail ?? {}) as RunDetail;
  return {
    type: 'gangway.action',
    version: 1,
    runId: run.id,
    action: action.id,
    purpose: action.purpose,
    at: new Date(at).toISOString(),
    requestedBy: detail.requestedBy,
    ...(detail.approvedBy !== undefined && { approvedBy: detail.approvedBy }),
    ...(detail.drill && { drill: true }),
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      summary: incident.summary,
      dedupKey: incident.dedupKey,
      environment: incident.environment,
      ...(incident.partnerId && { partner: incident.partnerId }),
      ...(incident.onboardingId && { onboarding: incident.onboardingId }),
    },
  };
}

/**
 * Executes a running action once: a webhook POST (signed when it has a secret), monitor re-runs queued now,
 * or a ticket opened through a ticketing notifier. Throws DeliveryError when a receiver failed (retryable or
 * not); `secrets` is filled with what must be scrubbed from any error text.
 */
export async function executeAction(
  deps: ExecuteDeps,
  action: ActionConfig,
  incident: Incident,
  run: ActionRun,
  signal: AbortSignal,
  secrets: Secrets,
): Promise<Executed> {
  if (action.type === 'rerun') return rerun(deps, action, incident, run);
  const values = incident.partnerId
    ? await deps.clients.secrets(incident.partnerId)
    : new Map<string, string>();
  secrets.push(...values.values());
  const resolver = createResolver(mapSecretSource(values), Object.fromEntries(values));
  if (action.type === 'webhook') {
    // Resolved now, never stored: the run record and the timeline name the host only.
    const { url, secret } = resolveValue({ url: action.url, secret: action.secret }, resolver).value;
    if (secret !== undefined) secrets.push(secret);
    const at = deps.now();
    const body = JSON.stringify(actionBody(action, incident, run, at));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'gangway-delivery': `action:${run.id}`,
      'gangway-action': action.id,
    };
    if (secret !== undefined) headers[SIGNATURE_HEADER.toLowerCase()] = signWebhook(secret, body, at);
    const what = describeUrl(`${action.id} webhook`, url);
    const answer = await send(
      { signal, now: deps.now, ...http(deps, { url }) },
      { method: 'POST', url, headers, body, what, secrets },
    );
    return { result: `${what} answered ${answer.status}`, httpStatus: answer.status };
  }
  return ticket(deps, action, incident, run, signal, secrets, resolver);
}

function http(deps: ExecuteDeps, options: unknown) {
  const settings = deps.clients.httpFor(options);
  return settings ? { http: settings } : {};
}

/** Queues the monitors' executions now (replacing their pending scheduled ones; the schedule continues after). */
async function rerun(
  deps: ExecuteDeps,
  action: Extract<ActionConfig, { type: 'rerun' }>,
  incident: Incident,
  run: ActionRun,
): Promise<Executed> {
  const detail = (run.detail ?? {}) as RunDetail;
  const monitors =
    action.monitors.length > 0 ? action.monitors : [detail.monitorId ?? incident.components[0] ?? ''];
  if (!incident.onboardingId || monitors.some((m) => m === ''))
    throw new GangwayError('action.rerun', 'the incident names no onboarding and monitor to run again');
  if (!(await deps.store.monitoring.enabled(incident.onboardingId)))
    throw new GangwayError('action.rerun', `monitoring is off for onboarding ${incident.onboardingId}`);
  const now = deps.now();
  for (const monitorId of monitors) {
    await deps.jobs.add(
      MONITOR_JOB,
      { onboardingId: incident.onboardingId, monitorId, due: now },
      { runAt: new Date(now), key: monitorJobKey(incident.onboardingId, monitorId) },
    );
  }
  return { result: `queued ${monitors.join(', ')} to run now` };
}

/**
 * Opens a ticket through a ticketing notifier, as its `triggered` delivery would, and keeps the notifier's
 * ref with the incident's deliveries: later notifications to the same notifier comment on and close it.
 */
async function ticket(
  deps: ExecuteDeps,
  action: Extract<ActionConfig, { type: 'ticket' }>,
  incident: Incident,
  run: ActionRun,
  signal: AbortSignal,
  secrets: Secrets,
  resolver: ReturnType<typeof createResolver>,
): Promise<Executed> {
  const { playbook } = await deps.versions.get(incident.playbookVersionId ?? '');
  const config = playbook.ops.notifiers[action.notifier];
  const kind = config ? notifierKind(config.type) : undefined;
  if (!config || !kind?.ticketing)
    throw new GangwayError('action.ticket', `notifier ${action.notifier} cannot open tickets here`);
  let options: unknown;
  try {
    options = resolveValue(config.options, resolver).value;
  } catch (error) {
    throw new GangwayError('action.ticket', errorMessage(error));
  }
  secrets.push(...secretValues(kind, options));
  const key = `action:${run.id}`;
  const { send: go, delivery } = await deps.store.deliveries.begin(key, {
    incidentId: incident.id,
    notifier: action.notifier,
    event: 'triggered',
  });
  // A replayed job after the ticket was opened: the delivery's outcome stands.
  if (!go) return { result: `ticket via ${action.notifier}: ${delivery.status} before`, ref: delivery.ref };
  const ref = await deps.store.deliveries.lastRef(incident.id, action.notifier);
  try {
    const result = await kind.deliver(options, message(incident, key, deps.now()), {
      signal,
      now: deps.now,
      ...(ref !== undefined && ref !== null && { ref: ref as never }),
      ...http(deps, options),
    });
    await deps.store.deliveries.succeeded(key, result.ref);
    return { result: `ticket via ${action.notifier}: ${result.detail ?? result.status}`, ref: result.ref };
  } catch (error) {
    await deps.store.deliveries.failed(key, scrub(errorMessage(error), secrets), false);
    throw error;
  }
}

function message(incident: Incident, deliveryKey: string, now: number): NotificationMessage {
  return {
    deliveryKey,
    event: 'triggered',
    incident: notifiedIncident(incident),
    text: `[${incident.severity}] ${incident.title}: ${incident.summary}`,
    at: new Date(now).toISOString(),
  };
}
