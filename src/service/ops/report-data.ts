import type { IncidentState } from '../../core/ops/incident.js';
import type { IncidentRecord, TimelineEntry } from '../../core/ops/incident-record.js';
import { postIncidentReport } from '../../core/ops/report.js';
import type { Playbook } from '../../playbook/schema.js';
import type { Incident, Store } from '../../store/index.js';
import type { PlaybookVersions } from '../playbooks.js';

/** Changes this long before the trigger are linked to an incident. */
const CHANGE_LOOKBACK_MS = 24 * 3600_000;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The post-incident report of a stored incident, from its timeline, playbook, changes and follow-ups. */
export async function incidentReport(
  deps: { store: Store; versions: PlaybookVersions },
  incident: Incident,
  now: number,
): Promise<string> {
  const loaded = incident.playbookVersionId ? await deps.versions.get(incident.playbookVersionId) : undefined;
  const playbook = loaded?.playbook;
  const severity = playbook?.ops.severities.find((s) => s.id === incident.severity);
  const detector = playbook?.ops.detectors.find((d) => d.id === incident.detectorId);
  const events = await deps.store.incidents.timeline(incident.id);
  const timeline: TimelineEntry[] = events.map((e) => ({
    at: Date.parse(e.at),
    type: e.type,
    actor: e.actor,
    message: e.message,
    data: (e.data ?? {}) as Record<string, unknown>,
  }));
  // The report is about the latest cycle: its trigger (or flap re-open) carries the signal's details, where the
  // detector put the first bad sample's time.
  const opening = timeline.findLast((e) => e.type === 'triggered' || e.type === 'reopened');
  const firstBad = (opening?.data.details as Record<string, unknown> | undefined)?.firstSeenAt;
  const record = incidentRecord(incident, playbook, typeof firstBad === 'number' ? firstBad : null);
  const changes = await deps.store.changes.list({
    since: record.triggeredAt - CHANGE_LOOKBACK_MS,
    until: (record.resolvedAt ?? now) + 1,
    limit: 200,
  });
  const followups = await deps.store.incidents.followups.list(incident.id);
  return postIncidentReport(record, timeline, {
    targets: {
      detect: detector?.windowMs ?? null,
      acknowledge: severity?.clocks.acknowledge ?? null,
      firstResolutionAttempt: severity?.clocks.firstResolutionAttempt ?? null,
      mitigate: severity?.clocks.mitigate ?? null,
      resolve: severity?.clocks.resolve ?? null,
    },
    changes: changes.items
      .filter((c) => c.partnerId === null || c.partnerId === incident.partnerId)
      .map((c) => ({
        id: c.id,
        at: Date.parse(c.at),
        kind: c.kind,
        summary: c.ref ? `${c.title} (${c.ref})` : c.title,
        actor: c.actor,
        url: c.ref && /^https?:\/\//.test(c.ref) ? c.ref : null,
      })),
    followUps: followups.map((f) => ({
      title: f.title,
      owner: f.owner,
      dueAt: ms(f.dueAt),
      status: f.doneAt ? 'done' : 'open',
      url: null,
    })),
    now,
  });
}

/** A stored incident as the report and the metrics read it. */
export function incidentRecord(
  incident: Incident,
  playbook: Playbook | undefined,
  startedAt: number | null,
): IncidentRecord {
  const state = incident.state as IncidentState | null;
  const detector = playbook?.ops.detectors.find((d) => d.id === incident.detectorId);
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    problemStatement: incident.summary,
    impact: incident.impact,
    partners: incident.partnerId ? [incident.partnerId] : [],
    components: incident.components,
    environment: incident.environment,
    production: playbook?.environments[incident.environment]?.production ?? false,
    detectorId: incident.detectorId,
    detectorKind: incident.detectorKind,
    signature: incident.signature,
    playbook: playbook?.playbook ?? null,
    playbookVersion: playbook?.version ?? null,
    runbook: detector?.runbook ?? null,
    startedAt,
    triggeredAt: state?.triggeredAt ?? Date.parse(incident.openedAt),
    acknowledgedAt: state?.acknowledgedAt ?? ms(incident.acknowledgedAt),
    firstAttemptAt: state?.firstAttemptAt ?? ms(incident.firstAttemptAt),
    mitigatedAt: state?.mitigatedAt ?? ms(incident.mitigatedAt),
    resolvedAt: state?.resolvedAt ?? ms(incident.resolvedAt),
    breaches: (state?.breaches ?? []).map((b) => ({ clock: b.clock, deadline: b.deadline, at: b.at })),
  };
}
