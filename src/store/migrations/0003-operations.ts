import { type Kysely, type Migration, sql } from 'kysely';

/** Histogram columns of monitor_rollups (see HISTOGRAM_BOUNDS_MS in monitor-rollups.ts). */
const HISTOGRAM_COLUMNS = Array.from({ length: 12 }, (_, i) => `h${i}`);

/**
 * Operations (issue 6): incidents with their timeline and follow-ups, change markers, monitor samples, hourly
 * roll-ups and detector states, notification deliveries and action runs. Portable types only (text, integer,
 * bigint), as 0001 and 0002: timestamps ISO-8601 text, JSON as text.
 */
export function operations(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.references('onboardings.id'))
        .addColumn('partner_id', 'text', (c) => c.references('partners.id'))
        .addColumn('playbook_version_id', 'text')
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('detector_id', 'text', (c) => c.notNull())
        .addColumn('detector_kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('impact', 'text')
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_at', 'text')
        .addColumn('first_attempt_at', 'text')
        .addColumn('mitigated_at', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      // At most one incident per dedup key is not resolved: concurrent opens for one key cannot both insert
      // (the second one's INSERT ... ON CONFLICT DO NOTHING finds the first). A literal predicate, so that
      // PostgreSQL can match ON CONFLICT's WHERE to this index.
      await s
        .createIndex('incidents_open_dedup')
        .on('incidents')
        .column('dedup_key')
        .unique()
        .where(sql.ref('status'), '<>', sql.lit('resolved'))
        .execute();
      // Listings page by (opened_at, id) descending, optionally within a status, severity, partner, onboarding.
      await s.createIndex('incidents_opened').on('incidents').columns(['opened_at', 'id']).execute();
      for (const column of ['status', 'severity', 'partner_id', 'onboarding_id', 'signature'] as const) {
        await s
          .createIndex(`incidents_${column}`)
          .on('incidents')
          .columns([column, 'opened_at', 'id'])
          .execute();
      }

      await s
        .createTable('incident_events')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_events_pk', ['incident_id', 'seq'])
        .execute();

      await s
        .createTable('incident_followups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text')
        .addColumn('done_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await s
        .createIndex('incident_followups_incident')
        .on('incident_followups')
        .columns(['incident_id', 'created_at', 'id'])
        .execute();

      await s
        .createTable('changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('partner_id', 'text')
        .addColumn('environment', 'text')
        .addColumn('ref', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('changes_at').on('changes').columns(['at', 'id']).execute();
      await s.createIndex('changes_partner').on('changes').columns(['partner_id', 'at', 'id']).execute();
      await s.createIndex('changes_environment').on('changes').columns(['environment', 'at', 'id']).execute();

      await s
        .createTable('monitor_samples')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.notNull())
        .addColumn('monitor_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('measurements', 'text', (c) => c.notNull())
        .addColumn('findings', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await s
        .createIndex('monitor_samples_monitor')
        .on('monitor_samples')
        .columns(['onboarding_id', 'monitor_id', 'at'])
        .execute();
      // Retention deletes by age.
      await s.createIndex('monitor_samples_at').on('monitor_samples').column('at').execute();

      let rollups = s
        .createTable('monitor_rollups')
        .addColumn('onboarding_id', 'text', (c) => c.notNull())
        .addColumn('monitor_id', 'text', (c) => c.notNull())
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('sum_ms', 'bigint', (c) => c.notNull())
        .addColumn('max_ms', 'integer', (c) => c.notNull());
      for (const h of HISTOGRAM_COLUMNS)
        rollups = rollups.addColumn(h, 'integer', (c) => c.notNull().defaultTo(0));
      await rollups
        .addPrimaryKeyConstraint('monitor_rollups_pk', ['onboarding_id', 'monitor_id', 'bucket'])
        .execute();
      await s.createIndex('monitor_rollups_bucket').on('monitor_rollups').column('bucket').execute();

      await s
        .createTable('monitor_states')
        .addColumn('onboarding_id', 'text', (c) => c.notNull())
        .addColumn('monitor_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('last_at', 'text')
        .addColumn('next_at', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('monitor_states_pk', ['onboarding_id', 'monitor_id'])
        .execute();

      await s
        .createTable('deliveries')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('notifier', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('ref', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      await s
        .createIndex('deliveries_incident')
        .on('deliveries')
        .columns(['incident_id', 'notifier', 'created_at'])
        .execute();

      await s
        .createTable('action_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text')
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Guards count an action's runs (or an incident's) in the last hour / cool-down.
      await s.createIndex('action_runs_action').on('action_runs').columns(['action_id', 'at']).execute();
      await s.createIndex('action_runs_incident').on('action_runs').columns(['incident_id', 'at']).execute();
    },
  };
}
