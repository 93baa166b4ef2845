import { resolve } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { actionRepository } from './actions.js';
import { signoffRepository, waiverRepository } from './approvals.js';
import { type AuditEvent, type AuditVerification, listAudit, verifyAudit } from './audit.js';
import { changeRepository } from './changes.js';
import type { StoreContext } from './context.js';
import { deliveryRepository } from './deliveries.js';
import {
  type Connection,
  connectPostgres,
  connectSqlite,
  type DialectName,
  isPostgresUrl,
} from './dialect.js';
import { incidentRepository } from './incidents.js';
import { type MetricsOptions, type OnboardingMetrics, onboardingMetrics } from './metrics.js';
import { migrate } from './migrate.js';
import { monitoringRepository } from './monitoring.js';
import { monitorRepository } from './monitors.js';
import { onboardingRepository } from './onboardings.js';
import { partnerRepository } from './partners.js';
import { playbookRepository } from './playbooks.js';
import { resultRepository } from './results.js';
import { runRepository } from './runs.js';
import type { Database } from './schema.js';
import { loadSecretKey, secretRepository } from './secrets.js';
import { tokenRepository } from './tokens.js';

export interface StoreOptions {
  /** A postgres:// URL (DATABASE_URL) selects PostgreSQL; anything else (or nothing) the SQLite file. */
  url?: string;
  /** Directory of the SQLite file gangway.db and of the secret key file (default ./.gangway). */
  dataDir?: string;
  /** Clock for every timestamp the store writes (tests inject a fake one). */
  now?: () => Date;
  /** Evidence bound per check result, in bytes of JSON before compression (default 1 MiB). */
  maxEvidenceBytes?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Environment to read GANGWAY_SECRET_KEY from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Everything the service, the workers and the CLI persist, on SQLite or PostgreSQL. */
export interface Store {
  dialect: DialectName;
  dataDir: string;
  /** The SQLite file (undefined on PostgreSQL). */
  file?: string;
  /** The query layer, for adapters that keep their own tables in the same database (jobs). */
  db: Kysely<Database>;
  now: () => Date;
  tokens: ReturnType<typeof tokenRepository>;
  partners: ReturnType<typeof partnerRepository>;
  playbooks: ReturnType<typeof playbookRepository>;
  onboardings: ReturnType<typeof onboardingRepository>;
  runs: ReturnType<typeof runRepository>;
  results: ReturnType<typeof resultRepository>;
  signoffs: ReturnType<typeof signoffRepository>;
  waivers: ReturnType<typeof waiverRepository>;
  secrets: ReturnType<typeof secretRepository>;
  /** Operations: incidents with timelines and follow-ups (migration 0003). */
  incidents: ReturnType<typeof incidentRepository>;
  /** Operations: monitor samples, hourly roll-ups, detector states. */
  monitors: ReturnType<typeof monitorRepository>;
  /** Operations: deploy / config / playbook change markers. */
  changes: ReturnType<typeof changeRepository>;
  /** Operations: notification deliveries by idempotency key. */
  deliveries: ReturnType<typeof deliveryRepository>;
  /** Operations: automated action runs and their guards' counts. */
  actions: ReturnType<typeof actionRepository>;
  /** Operations: which onboardings are monitored (migration 0004). */
  monitoring: ReturnType<typeof monitoringRepository>;
  audit: {
    /** Walks the chain; names the first broken link. */
    verify(): Promise<AuditVerification>;
    /** Events in order after a seq, optionally about one subject. */
    list(options?: { afterSeq?: number; limit?: number; subject?: string }): Promise<AuditEvent[]>;
  };
  /** Time to first success, stage durations, pass rates, open waivers. */
  metrics(options?: MetricsOptions): Promise<OnboardingMetrics>;
  /** A trivial query: resolves when the database answers (for /readyz), rejects otherwise. */
  ping(): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

function connect(options: StoreOptions, dataDir: string): Connection {
  if (isPostgresUrl(options.url)) return connectPostgres(options.url, options.poolSize);
  return connectSqlite(dataDir);
}

/** Opens (and migrates) the store: PostgreSQL for a postgres:// url, else `<dataDir>/gangway.db`. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const dataDir = resolve(options.dataDir ?? '.gangway');
  const conn = connect(options, dataDir);
  try {
    await migrate(conn);
  } catch (err) {
    await conn.db.destroy();
    throw err;
  }
  const now = options.now ?? (() => new Date());
  const ctx: StoreContext = { db: conn.db, now, dialect: conn.dialect };
  return {
    dialect: conn.dialect,
    dataDir,
    file: conn.file,
    db: conn.db,
    now,
    tokens: tokenRepository(ctx),
    partners: partnerRepository(ctx),
    playbooks: playbookRepository(ctx),
    onboardings: onboardingRepository(ctx),
    runs: runRepository(ctx, { maxEvidenceBytes: options.maxEvidenceBytes }),
    results: resultRepository(ctx, { maxEvidenceBytes: options.maxEvidenceBytes }),
    signoffs: signoffRepository(ctx),
    waivers: waiverRepository(ctx),
    secrets: secretRepository(ctx, () => loadSecretKey(dataDir, options.env)),
    incidents: incidentRepository(ctx),
    monitors: monitorRepository(ctx),
    changes: changeRepository(ctx),
    deliveries: deliveryRepository(ctx),
    actions: actionRepository(ctx),
    monitoring: monitoringRepository(ctx),
    audit: { verify: () => verifyAudit(ctx), list: (o) => listAudit(ctx, o) },
    metrics: (o) => onboardingMetrics(ctx, o),
    async ping() {
      await sql`select 1`.execute(conn.db);
    },
    close: () => conn.db.destroy(),
  };
}
