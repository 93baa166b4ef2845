import type { JobQueue } from '../jobs/index.js';
import type { Role, Store } from '../store/index.js';
import type { PlaybookVersions } from './playbooks.js';

export type { Role };

/** Who is calling: the authenticated token. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** Set for partner tokens: everything they see and do is limited to this partner. */
  partnerId: string | null;
  /** Recorded as the actor of every write (audit trail). */
  actor: string;
}

/** Settings of one service process. */
export interface ServiceConfig {
  /** Largest accepted request body in bytes (default 8 MiB: a playbook with its spec, or an uploaded run). */
  bodyLimit: number;
  /** Failed authentications per client address and minute before 429 (default 20). */
  authFailuresPerMinute: number;
  /** How long a passing run stays valid evidence for a gate when the stage sets no freshness (default 7 days). */
  defaultFreshnessMs: number;
  /** A running run whose worker has not beaten for this long is taken over (default 60 s). */
  staleRunMs: number;
  /**
   * The address people reach this server at (e.g. https://gangway.example.com): notifications carry signed
   * acknowledge / resolve links and a link to the incident under it. Absent: no links.
   */
  publicUrl?: string;
  /** How long a signed incident link stays valid (default 24 h). */
  linkTtlMs: number;
  version: string;
}

export const DEFAULT_CONFIG: ServiceConfig = {
  bodyLimit: 8 * 1024 * 1024,
  authFailuresPerMinute: 20,
  defaultFreshnessMs: 7 * 24 * 3600_000,
  staleRunMs: 60_000,
  linkTtlMs: 24 * 3600_000,
  version: '0.0.0',
};

/** What route handlers get: the store, the job queue (as a producer) and the settings. */
export interface ServiceContext {
  store: Store;
  /** Undefined when the process cannot schedule work (then triggering a run is refused with 503). */
  jobs?: Pick<JobQueue, 'add' | 'remove'>;
  config: ServiceConfig;
  /** Parsed playbook versions (cached; versions are immutable). */
  versions: PlaybookVersions;
  now: () => Date;
}
