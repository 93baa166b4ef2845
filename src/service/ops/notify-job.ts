import { errorMessage, GangwayError } from '../../core/errors.js';
import type { JobHandler } from '../../jobs/index.js';
import {
  DeliveryError,
  type NotificationEvent,
  type NotificationMessage,
  notifierKind,
  scrub,
  secretValues,
} from '../../notify/index.js';
import { resolveValue } from '../../playbook/references.js';
import { createResolver, mapSecretSource } from '../../playbook/secrets.js';
import type { Incident } from '../../store/index.js';
import type { IncidentDeps, NotifyPayload } from './incident-engine.js';
import type { IncidentLinks } from './links.js';
import { notifiedIncident } from './notified-incident.js';
import type { NotifyClients } from './notify-clients.js';

export interface NotifyDeps extends IncidentDeps {
  /** Signed acknowledge / resolve / view links for a message (absent: no links). */
  links?: IncidentLinks;
  /** Guarded HTTP agents per notifier hosts and partners' secrets, shared by deliveries. */
  clients: NotifyClients;
}

/**
 * The job that delivers one notification to one notifier, at least once and — through the deliveries
 * table keyed by the delivery key — never twice once it was delivered. A retryable failure (5xx, 429,
 * network) throws, so the queue retries with backoff; anything else is recorded as failed for good.
 */
export function notifyHandler(deps: NotifyDeps): JobHandler {
  return async ({ payload, signal, attempt, maxAttempts }) => {
    const p = payload as Partial<NotifyPayload> | null;
    if (
      typeof p?.incidentId !== 'string' ||
      typeof p.notifier !== 'string' ||
      typeof p.deliveryKey !== 'string'
    )
      throw new GangwayError('job.payload', 'a notify job names no incidentId, notifier and deliveryKey');
    const incident = await deps.store.incidents.get(p.incidentId);
    if (!incident) return;
    const { send } = await deps.store.deliveries.begin(p.deliveryKey, {
      incidentId: incident.id,
      notifier: p.notifier,
      event: String(p.event),
    });
    if (!send) return;
    const target = await resolveNotifier(deps, incident, p.notifier);
    if ('skip' in target) {
      await deps.store.deliveries.skipped(p.deliveryKey, target.skip);
      return;
    }
    const { kind, options, secrets } = target;
    const message = await messageFor(deps, incident, p as NotifyPayload);
    const entry = (type: string, message: string) => ({
      actor: 'gangway',
      events: [
        {
          at: deps.now(),
          type,
          actor: 'gangway',
          message,
          data: { notifier: p.notifier, event: p.event, deliveryKey: p.deliveryKey, attempt },
        },
      ],
    });
    let result: Awaited<ReturnType<typeof kind.deliver>>;
    try {
      const ref = await deps.store.deliveries.lastRef(incident.id, p.notifier);
      const http = deps.clients.httpFor(options);
      result = await kind.deliver(options, message, {
        signal,
        now: deps.now,
        ...(ref !== undefined && ref !== null && { ref: ref as never }),
        ...(http && { http }),
      });
    } catch (error) {
      const text = scrub(errorMessage(error), secrets);
      const retryable = error instanceof DeliveryError ? error.retryable : !(error instanceof GangwayError);
      const final = !retryable || attempt >= maxAttempts;
      // A final failure is recorded on the timeline in the same write.
      const failedEntry = entry('notification-failed', `${p.event} to ${p.notifier} failed: ${text}`);
      await deps.store.deliveries.failed(p.deliveryKey, text, final, failedEntry);
      if (final) return;
      throw retryLater('notify.retry', text, error);
    }
    // Outcome and timeline entry in one transaction (written once, even if this job is replayed).
    if (result.status === 'skipped')
      await deps.store.deliveries.skipped(p.deliveryKey, result.detail ?? 'skipped');
    else
      await deps.store.deliveries.succeeded(
        p.deliveryKey,
        result.ref,
        entry('notification', `${p.event} sent to ${p.notifier} (${kind.type})`),
      );
  };
}

/**
 * The error a delivery throws to be retried: it carries the receiver's Retry-After (as retryAfterMs), which the
 * job queue honours when it is longer than its own backoff.
 */
export function retryLater(code: string, text: string, cause: unknown): GangwayError {
  const error = new GangwayError(code, text);
  const retryAfterMs = cause instanceof DeliveryError ? cause.retryAfterMs : undefined;
  return retryAfterMs === undefined ? error : Object.assign(error, { retryAfterMs });
}

type Target =
  | { kind: NonNullable<ReturnType<typeof notifierKind>>; options: unknown; secrets: string[] }
  | { skip: string };

/** The notifier's kind and its options with `${secret.x}` resolved from the partner's secrets. */
async function resolveNotifier(deps: NotifyDeps, incident: Incident, name: string): Promise<Target> {
  if (!incident.playbookVersionId) return { skip: 'the incident has no playbook version' };
  const { playbook } = await deps.versions.get(incident.playbookVersionId);
  const config = playbook.ops.notifiers[name];
  if (!config) return { skip: `notifier ${name} is not declared in the playbook version` };
  const kind = notifierKind(config.type);
  if (!kind) return { skip: `notifier type ${config.type} is not known to this server` };
  const values = incident.partnerId
    ? await deps.clients.secrets(incident.partnerId)
    : new Map<string, string>();
  const resolver = createResolver(mapSecretSource(values), Object.fromEntries(values));
  try {
    const options = resolveValue(config.options, resolver).value;
    return { kind, options, secrets: [...secretValues(kind, options), ...values.values()] };
  } catch (error) {
    // A missing secret: not retryable until someone sets it; the message names the secret, never a value.
    return { skip: errorMessage(error) };
  }
}

async function messageFor(
  deps: NotifyDeps,
  incident: Incident,
  p: NotifyPayload,
): Promise<NotificationMessage> {
  const { playbook } = incident.playbookVersionId
    ? await deps.versions.get(incident.playbookVersionId)
    : { playbook: undefined };
  const severity = playbook?.ops.severities.find((s) => s.id === incident.severity);
  const detector = playbook?.ops.detectors.find((d) => d.id === incident.detectorId);
  const links = deps.links ? await deps.links.forIncident(incident.id) : undefined;
  const text = describe(p, incident);
  return {
    deliveryKey: p.deliveryKey,
    event: p.event as NotificationEvent,
    incident: {
      ...notifiedIncident(incident),
      ...(severity && { severityRank: severity.rank }),
      ...(detector?.runbook && {
        runbook: { name: detector.runbook, ...(links?.runbook && { url: links.runbook }) },
      }),
      ...(links?.view && { url: links.view }),
    },
    ...(p.level !== undefined && { level: p.level }),
    text,
    at: new Date(deps.now()).toISOString(),
    ...(links && { links: { view: links.view, acknowledge: links.acknowledge, resolve: links.resolve } }),
  };
}

function describe(p: NotifyPayload, incident: Incident): string {
  const head = `[${incident.severity}] ${incident.title}`;
  switch (p.event) {
    case 'triggered':
      return `${head}: ${incident.summary}`;
    case 'escalated':
      return `${head}: not acknowledged, escalated to level ${p.level ?? '?'}`;
    case 'breach':
      return `${head}: ${p.text ?? 'a clock was breached'}`;
    case 'note':
      return `${head}: note: ${p.text ?? ''}`;
    default:
      return `${head}: ${p.event}`;
  }
}
