import type { IncidentRecord } from '../../core/ops/incident-record.js';
import { type OpsMetrics, opsMetrics, type PassedChecks } from '../../core/ops/ops-metrics.js';
import type { Incident, Store } from '../../store/index.js';
import type { PlaybookVersions } from '../playbooks.js';
import { incidentRecord } from './report-data.js';

/** Incidents read for the figures: the newest this many (the figures say how many they cover). */
const MAX_INCIDENTS = 10_000;

/**
 * MTTA, MTTR, incidents by severity and detector, clock breaches and the defect escape rate, over the
 * newest incidents (one partner's, or all), from the stored incidents and the checks onboarding passed.
 */
export async function opsFigures(
  deps: { store: Store; versions: PlaybookVersions },
  partnerId?: string,
): Promise<OpsMetrics> {
  const incidents: Incident[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.incidents.list({
      limit: 200,
      ...(partnerId && { partnerId }),
      ...(cursor && { cursor }),
    });
    incidents.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && incidents.length < MAX_INCIDENTS);
  const playbookOf = async (id: string | null) =>
    id ? (await deps.versions.get(id).catch(() => undefined))?.playbook : undefined;
  const records: IncidentRecord[] = [];
  for (const incident of incidents)
    records.push(incidentRecord(incident, await playbookOf(incident.playbookVersionId), null));
  const kinds = new Map<string, { playbook: string; version: string; partner: string; kinds: Set<string> }>();
  for (const row of await deps.store.results.passedKinds()) {
    if (partnerId && row.partnerId !== partnerId) continue;
    const playbook = await playbookOf(row.playbookVersionId);
    if (!playbook) continue;
    const key = `${row.playbookVersionId}\0${row.partnerId}`;
    const entry = kinds.get(key) ?? {
      playbook: playbook.playbook,
      version: playbook.version,
      partner: row.partnerId,
      kinds: new Set(),
    };
    entry.kinds.add(row.kind);
    kinds.set(key, entry);
  }
  const passed: PassedChecks[] = [...kinds.values()].map((k) => ({ ...k, kinds: [...k.kinds] }));
  return opsMetrics(records, passed);
}
