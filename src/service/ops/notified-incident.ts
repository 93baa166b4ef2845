// The incident as every notification describes it (a delivery, a ticket an action opens): one mapping, so a
// field added to messages reaches every sender.
import type { IncidentState } from '../../core/ops/incident.js';
import type { NotificationMessage } from '../../notify/index.js';
import type { Incident } from '../../store/index.js';

/** The message's incident fields that come from the incident itself (severity rank, runbook, link: the caller's). */
export function notifiedIncident(incident: Incident): NotificationMessage['incident'] {
  const state = incident.state as IncidentState | null;
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    summary: incident.summary,
    dedupKey: incident.dedupKey,
    signature: incident.signature,
    environment: incident.environment,
    ...(incident.partnerId && { partner: incident.partnerId }),
    components: incident.components,
    triggeredAt: new Date(state?.triggeredAt ?? Date.parse(incident.openedAt)).toISOString(),
  };
}
