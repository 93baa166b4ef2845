// The store's public surface: the service, the jobs adapters and the CLI import from here only.
export {
  ACTION_RUN_STATUSES,
  type ActionRun,
  type ActionRunStatus,
} from './actions.js';
export type { Signoff, SignoffFilter, StoredWaiver, WaiverFilter } from './approvals.js';
export {
  type AuditEvent,
  type AuditInput,
  type AuditVerification,
  appendAudit,
  eventHash,
  GENESIS_HASH,
} from './audit.js';
export { canonicalJson, sha256Hex } from './canonical.js';
export {
  CHANGE_KINDS,
  type Change,
  type ChangeFilter,
  type ChangeInput,
  type ChangeKind,
} from './changes.js';
export type { Actor, StoreContext } from './context.js';
export {
  DELIVERY_STATUSES,
  type Delivery,
  type DeliveryStatus,
  MAX_DELIVERY_ERROR,
} from './deliveries.js';
export { type DialectName, isPostgresUrl } from './dialect.js';
export type { Evidence } from './evidence.js';
export {
  type Followup,
  type Incident,
  type IncidentEvent,
  type IncidentEventInput,
  type IncidentFilter,
  type IncidentOpenInput,
  type IncidentPatch,
  MAX_INCIDENT_EVENT_BYTES,
} from './incidents.js';
export type { DurationStats, MetricsOptions, OnboardingMetrics } from './metrics.js';
export type { MonitoringSwitch } from './monitoring.js';
export {
  HISTOGRAM_BOUNDS_MS,
  MAX_SAMPLE_FINDINGS,
  type MonitorRecord,
  type MonitorRollup,
  type MonitorState,
  type StateConflict,
  type StoredSample,
} from './monitors.js';
export type { Onboarding, OnboardingFilter, Transition } from './onboardings.js';
export type { Page } from './page.js';
export type { Partner, PartnerFilter } from './partners.js';
export {
  type PlaybookFilter,
  type PlaybookVersion,
  type PlaybookVersionSummary,
  playbookVersionId,
} from './playbooks.js';
export type { ResultFilter, StoredCheckResult } from './results.js';
export { MAX_RUN_EVENT_BYTES, type RunEvent, type RunEventInput } from './run-events.js';
export {
  type FinalRunStatus,
  RUN_STATUSES,
  type Run,
  type RunFilter,
  type RunSource,
  type RunStatus,
} from './runs.js';
export type { Database } from './schema.js';
export { loadSecretKey, SECRET_KEY_ENV, SECRET_KEY_FILE, type SecretInfo } from './secrets.js';
export { openStore, type Store, type StoreOptions } from './store.js';
export { ROLES, type Role, type TokenRecord } from './tokens.js';
