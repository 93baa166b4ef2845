// Incident rows: the Incident type, its mapping, the listing query and the timeline's event rows.
import { sql } from 'kysely';
import { InputError } from '../core/errors.js';
import type { DetectorKind, IncidentStatus } from '../core/ops/types.js';
import { INCIDENT_STATUSES } from '../core/ops/types.js';
import { parseJson, type StoreContext } from './context.js';
import { decodeCursor } from './page.js';
import type { IncidentEventsTable, IncidentFollowupsTable, IncidentsTable } from './schema.js';

type Db = StoreContext['db'];

/** An incident as stored; `state` is the escalation state machine's, opaque to the store. */
export interface Incident {
  id: string;
  onboardingId: string | null;
  partnerId: string | null;
  /** The playbook version whose detector opened it. */
  playbookVersionId: string | null;
  environment: string;
  dedupKey: string;
  detectorId: string;
  detectorKind: DetectorKind;
  severity: string;
  status: IncidentStatus;
  title: string;
  summary: string;
  impact: string | null;
  components: string[];
  signature: string;
  state: unknown;
  openedAt: string;
  acknowledgedAt: string | null;
  firstAttemptAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
  /** Pass it back to `update`: a write based on an older version is refused ('incident.conflict'). */
  version: number;
  createdBy: string;
}

/** What opens an incident (usually from a detector's trigger signal). */
export interface IncidentOpenInput {
  onboardingId?: string | null;
  partnerId?: string | null;
  playbookVersionId?: string | null;
  environment: string;
  /** Must name everything that makes two incidents different, the onboarding included. */
  dedupKey: string;
  detectorId: string;
  detectorKind: DetectorKind;
  severity: string;
  title: string;
  summary: string;
  impact?: string | null;
  components?: string[];
  signature: string;
  state?: unknown;
  /** Default: the store's clock. ISO text or ms since the epoch. */
  openedAt?: string | number;
  /** Timeline events of a new incident (not appended when the key's open incident is returned instead). */
  events?: IncidentEventInput[];
}

/** What `update` may change. A status change stamps its time unless given (and is audited). */
export interface IncidentPatch {
  status?: IncidentStatus;
  severity?: string;
  title?: string;
  summary?: string;
  impact?: string | null;
  components?: string[];
  state?: unknown;
  acknowledgedAt?: string | number | null;
  firstAttemptAt?: string | number | null;
  mitigatedAt?: string | number | null;
  resolvedAt?: string | number | null;
}

export interface IncidentFilter {
  /** One status or several (e.g. every status but resolved, for the open ones). */
  status?: IncidentStatus | IncidentStatus[];
  severity?: string;
  partnerId?: string;
  onboardingId?: string;
  /** Opened at or after (ISO text or ms). */
  since?: string | number;
  limit?: number;
  cursor?: string;
}

/** One timeline entry. */
export interface IncidentEvent {
  seq: number;
  at: string;
  type: string;
  actor: string;
  message: string;
  data: unknown;
}

/** A timeline entry to append; `at` defaults to the store's clock, `actor` to the write's actor. */
export interface IncidentEventInput {
  type: string;
  message: string;
  actor?: string;
  data?: unknown;
  at?: string | number;
}

export interface Followup {
  id: string;
  incidentId: string;
  title: string;
  owner: string;
  dueAt: string | null;
  doneAt: string | null;
  createdAt: string;
  createdBy: string;
}

export function toIncident(row: IncidentsTable): Incident {
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    partnerId: row.partner_id,
    playbookVersionId: row.playbook_version_id,
    environment: row.environment,
    dedupKey: row.dedup_key,
    detectorId: row.detector_id,
    detectorKind: row.detector_kind as DetectorKind,
    severity: row.severity,
    status: row.status as IncidentStatus,
    title: row.title,
    summary: row.summary,
    impact: row.impact,
    components: parseJson<string[]>(row.components, []),
    signature: row.signature,
    state: parseJson<unknown>(row.state, null),
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    firstAttemptAt: row.first_attempt_at,
    mitigatedAt: row.mitigated_at,
    resolvedAt: row.resolved_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
    createdBy: row.created_by,
  };
}

export function toFollowup(row: IncidentFollowupsTable): Followup {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    owner: row.owner,
    dueAt: row.due_at,
    doneAt: row.done_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** An instant given as ISO text or ms since the epoch, as ISO text; `field` names it in the refusal. */
export function isoTime(value: string | number | Date, field: string): string {
  const t = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new InputError('ops.time', `${field} "${String(value)}" is not a time`);
  return t.toISOString();
}

/** Refuses a status that is not one of INCIDENT_STATUSES. */
export function checkStatus(status: string): IncidentStatus {
  if (!(INCIDENT_STATUSES as readonly string[]).includes(status))
    throw new InputError(
      'incident.status',
      `"${status}" is not an incident status (${INCIDENT_STATUSES.join(', ')})`,
    );
  return status as IncidentStatus;
}

/** The query behind incidents.list (exported so tests can EXPLAIN it): newest first, one more row than the page. */
export function incidentListQuery(db: Db, filter: IncidentFilter, limit: number) {
  let q = db.selectFrom('incidents').selectAll();
  if (filter.status !== undefined) {
    const statuses = (Array.isArray(filter.status) ? filter.status : [filter.status]).map(checkStatus);
    q = q.where('status', 'in', statuses.length > 0 ? statuses : ['none']);
  }
  if (filter.severity !== undefined) q = q.where('severity', '=', filter.severity);
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.onboardingId !== undefined) q = q.where('onboarding_id', '=', filter.onboardingId);
  if (filter.since !== undefined) q = q.where('opened_at', '>=', isoTime(filter.since, 'since'));
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    q = q.where((eb) => eb(eb.refTuple('opened_at', 'id'), '<', eb.tuple(at, id)));
  }
  return q
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

/**
 * The query behind incidents.findOpen: served by the partial unique index, whose predicate the query repeats
 * as a literal, so a planner can match the index without the parameter values (a generic plan would not).
 */
export function openIncidentQuery(db: Db, dedupKey: string) {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('dedup_key', '=', dedupKey)
    .where(sql<boolean>`status <> 'resolved'`);
}

/** The query behind incidents.similar: the newest incidents with a signature. */
export function similarIncidentQuery(db: Db, signature: string, limit: number, exceptId?: string) {
  let q = db.selectFrom('incidents').selectAll().where('signature', '=', signature);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(limit);
}

/** Bytes of JSON a timeline event's data may take. */
export const MAX_INCIDENT_EVENT_BYTES = 64 * 1024;
const MAX_MESSAGE_LENGTH = 4000;

/** A timeline row to insert (seq filled in by the caller); refuses a missing type or oversized data. */
export function incidentEventRow(
  incidentId: string,
  e: IncidentEventInput,
  now: Date,
  actor: string,
): IncidentEventsTable {
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 200)
    throw new InputError('incident-event.type', 'a timeline event needs a type of 1 to 200 characters');
  const data = JSON.stringify(e.data ?? null) ?? 'null';
  if (Buffer.byteLength(data, 'utf8') > MAX_INCIDENT_EVENT_BYTES) {
    throw new InputError(
      'incident-event.too-large',
      `timeline event "${e.type}" has more than ${MAX_INCIDENT_EVENT_BYTES} bytes of data`,
    );
  }
  return {
    incident_id: incidentId,
    seq: 0,
    at: e.at === undefined ? now.toISOString() : isoTime(e.at, 'event time'),
    type: e.type,
    actor: e.actor ?? actor,
    message: String(e.message ?? '').slice(0, MAX_MESSAGE_LENGTH),
    data,
  };
}

export function toIncidentEvent(row: IncidentEventsTable): IncidentEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type,
    actor: row.actor,
    message: row.message,
    data: parseJson<unknown>(row.data, null),
  };
}

/**
 * Appends timeline events inside `trx`, numbered by incrementing the incident's counter (which locks the
 * incident, so concurrent appenders get distinct, contiguous seqs). Returns the last seq.
 */
export async function appendIncidentEvents(
  trx: Db,
  incidentId: string,
  rows: IncidentEventsTable[],
): Promise<number> {
  const head = await trx
    .updateTable('incidents')
    .set((eb) => ({ event_seq: eb('event_seq', '+', rows.length) }))
    .where('id', '=', incidentId)
    .returning('event_seq')
    .executeTakeFirst();
  if (!head) throw new InputError('incident.not-found', `no incident ${incidentId}`);
  const last = Number(head.event_seq);
  const first = last - rows.length + 1;
  rows.forEach((row, i) => {
    row.seq = first + i;
  });
  // 7 parameters a row: 400 rows stay well under both databases' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 400)
    await trx
      .insertInto('incident_events')
      .values(rows.slice(i, i + 400))
      .execute();
  return last;
}
