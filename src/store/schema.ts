// Row types of the store's tables, as Kysely sees them. Timestamps are ISO-8601 UTC text (they sort as text
// and read the same on both dialects); booleans are 0/1 integers; JSON is text.

export interface PartnersTable {
  id: string;
  name: string;
  created_at: string;
  created_by: string;
}

export interface TokensTable {
  id: string;
  /** Hex sha256 of the raw token; the raw token is never stored. */
  hash: string;
  name: string;
  role: string;
  partner_id: string | null;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface PlaybookVersionsTable {
  /** Hex sha256 of the canonical playbook and spec texts (content address). */
  id: string;
  name: string;
  playbook_text: string;
  spec_text: string | null;
  created_at: string;
  created_by: string;
}

export interface OnboardingsTable {
  id: string;
  partner_id: string;
  playbook_name: string;
  playbook_version_id: string;
  current_stage: string;
  started_at: string;
  created_by: string;
}

export interface RunsTable {
  id: string;
  onboarding_id: string;
  /** Copied from the onboarding so partner-scoped listings need no join. */
  partner_id: string;
  stage: string;
  playbook_version_id: string;
  environment: string | null;
  status: string;
  attempts: number;
  worker_id: string | null;
  heartbeat_at: string | null;
  source: string;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  evidence_hash: string | null;
  /** The last run event's seq (migration 0002): appends increment it, which also serialises them. */
  event_seq: number;
}

/** Progress of a run, for live streams (migration 0002). Not audited: progress, not decisions. */
export interface RunEventsTable {
  run_id: string;
  /** 1, 2, 3... per run. */
  seq: number;
  at: string;
  type: string;
  /** JSON text, at most 64 KiB. */
  data: string;
}

export interface CheckResultsTable {
  id: string;
  run_id: string;
  partner_id: string;
  check_id: string;
  kind: string;
  title: string;
  required: number;
  outcome: string;
  summary: string;
  started_at: string;
  duration_ms: number;
  findings: string;
  measurements: string;
  thresholds: string;
  error: string | null;
  evidence_sha: string | null;
  created_at: string;
}

export interface EvidenceTable {
  result_id: string;
  run_id: string;
  created_at: string;
  raw_size: number;
  truncated: number;
  /** gzip of the canonical JSON of { exchanges, samples }. */
  body: Uint8Array;
}

export interface SignoffsTable {
  id: string;
  onboarding_id: string;
  /** Copied from the onboarding (migration 0002) so partner-scoped listings need no join. */
  partner_id: string;
  stage: string;
  role: string;
  who: string;
  run_id: string;
  evidence_hash: string;
  note: string | null;
  at: string;
}

export interface WaiversTable {
  id: string;
  onboarding_id: string;
  /** Copied from the onboarding (migration 0002) so partner-scoped listings need no join. */
  partner_id: string;
  /** Null: the waiver covers the check in every stage of the onboarding. */
  stage: string | null;
  check_id: string;
  reason: string;
  approver: string;
  expires_at: string;
  created_at: string;
  revoked_at: string | null;
}

export interface TransitionsTable {
  id: string;
  onboarding_id: string;
  from_stage: string | null;
  to_stage: string;
  who: string;
  why: string;
  at: string;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1): the last seq and hash. Appends lock it, which serialises writers across processes. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface SecretsTable {
  scope: string;
  name: string;
  /** base64 of iv (12) || tag (16) || AES-256-GCM ciphertext. */
  ciphertext: string;
  created_at: string;
  updated_at: string;
}

// Operations (migration 0003): incidents and their timelines, monitor samples and roll-ups, change markers,
// notification deliveries and action runs.

export interface IncidentsTable {
  id: string;
  onboarding_id: string | null;
  partner_id: string | null;
  playbook_version_id: string | null;
  environment: string;
  /** At most one incident per key is not resolved (a partial unique index). */
  dedup_key: string;
  detector_id: string;
  detector_kind: string;
  severity: string;
  status: string;
  title: string;
  summary: string;
  impact: string | null;
  /** JSON array of component names. */
  components: string;
  signature: string;
  /** JSON: the escalation state machine's state, opaque to the store. */
  state: string;
  opened_at: string;
  acknowledged_at: string | null;
  first_attempt_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  updated_at: string;
  /** Optimistic concurrency: every update names the version it read and increments it. */
  version: number;
  /** The last timeline event's seq: appends increment it, which also serialises them. */
  event_seq: number;
  created_by: string;
}

/** The timeline of an incident: signals, notifications, acknowledgements, actions, notes. */
export interface IncidentEventsTable {
  incident_id: string;
  seq: number;
  at: string;
  type: string;
  actor: string;
  message: string;
  /** JSON text, at most 64 KiB. */
  data: string;
}

export interface IncidentFollowupsTable {
  id: string;
  incident_id: string;
  title: string;
  owner: string;
  due_at: string | null;
  done_at: string | null;
  created_at: string;
  created_by: string;
}

/** Deploy, config and playbook markers, linked to incidents by time. */
export interface ChangesTable {
  id: string;
  at: string;
  kind: string;
  title: string;
  description: string | null;
  partner_id: string | null;
  environment: string | null;
  ref: string | null;
  actor: string;
  created_at: string;
}

/** One monitor execution. High volume: no audit event, no foreign key; retention deletes by `at`. */
export interface MonitorSamplesTable {
  id: string;
  onboarding_id: string;
  monitor_id: string;
  environment: string;
  at: string;
  outcome: string;
  duration_ms: number;
  /** JSON object of numbers. */
  measurements: string;
  /** JSON array, at most 20 findings. */
  findings: string;
  /** JSON { code, message } or null. */
  error: string | null;
}

/** Per monitor and hour: counts, sums and a duration histogram (for an approximate p95), upserted additively. */
export interface MonitorRollupsTable {
  onboarding_id: string;
  monitor_id: string;
  /** Start of the hour, ISO-8601 UTC. */
  bucket: string;
  count: number;
  failures: number;
  sum_ms: number;
  max_ms: number;
  /** Histogram counts: h0 = duration <= 25 ms, h1 <= 50 ms, ... doubling, h11 = over 25.6 s. */
  h0: number;
  h1: number;
  h2: number;
  h3: number;
  h4: number;
  h5: number;
  h6: number;
  h7: number;
  h8: number;
  h9: number;
  h10: number;
  h11: number;
}

/** The detectors' state of one monitor of one onboarding, between executions. */
export interface MonitorStatesTable {
  onboarding_id: string;
  monitor_id: string;
  /** JSON, opaque to the store. */
  state: string;
  last_at: string | null;
  next_at: string | null;
  version: number;
  updated_at: string;
}

/** One notification, by idempotency key: a delivered key is never sent again. */
export interface DeliveriesTable {
  key: string;
  incident_id: string;
  notifier: string;
  event: string;
  status: string;
  attempts: number;
  /** The last error message, already free of secrets (the notifier's job), truncated. */
  last_error: string | null;
  /** JSON: what the receiver gave back (a ticket number, a message id), for later updates. */
  ref: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

/** Whether an onboarding's monitors run (migration 0004). */
export interface MonitoringTable {
  onboarding_id: string;
  /** 1 on, 0 off (an integer on both engines). */
  enabled: number;
  changed_at: string;
  changed_by: string;
}

/** One automated action (rollback, throttle, re-run, ticket) and its outcome. */
export interface ActionRunsTable {
  id: string;
  incident_id: string | null;
  action_id: string;
  at: string;
  status: string;
  /** JSON. */
  detail: string;
  actor: string;
  updated_at: string;
}

export interface Database {
  partners: PartnersTable;
  tokens: TokensTable;
  playbook_versions: PlaybookVersionsTable;
  onboardings: OnboardingsTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  check_results: CheckResultsTable;
  evidence: EvidenceTable;
  signoffs: SignoffsTable;
  waivers: WaiversTable;
  transitions: TransitionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  secrets: SecretsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  incident_followups: IncidentFollowupsTable;
  changes: ChangesTable;
  monitor_samples: MonitorSamplesTable;
  monitor_rollups: MonitorRollupsTable;
  monitor_states: MonitorStatesTable;
  deliveries: DeliveriesTable;
  action_runs: ActionRunsTable;
  monitoring: MonitoringTable;
}
