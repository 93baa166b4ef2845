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
}
