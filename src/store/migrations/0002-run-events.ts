import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Run progress events (for live streams), the per-run event counter, partner ids on sign-offs and waivers (so
 * partner-scoped listings need no join), and the indexes the service's paginated listings page through.
 */
export function runEvents(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('run_events')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq'])
        .execute();
      // Retention deletes by age.
      await s.createIndex('run_events_at').on('run_events').column('at').execute();
      // The counter appends increment: one UPDATE both numbers a batch and locks the run against a second writer.
      await s
        .alterTable('runs')
        .addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      for (const table of ['signoffs', 'waivers'] as const) {
        // Nullable in the schema (SQLite cannot add a NOT NULL column without a default); always written.
        await s.alterTable(table).addColumn('partner_id', 'text').execute();
        await sql`update ${sql.table(table)} set partner_id = (
          select o.partner_id from onboardings o where o.id = ${sql.ref(`${table}.onboarding_id`)}
        )`.execute(db);
      }
      // Sign-offs list oldest first; waivers newest first: each filter followed by the order columns.
      await s.createIndex('signoffs_at').on('signoffs').columns(['at', 'id']).execute();
      await s
        .createIndex('signoffs_onboarding')
        .on('signoffs')
        .columns(['onboarding_id', 'at', 'id'])
        .execute();
      await s.createIndex('signoffs_partner').on('signoffs').columns(['partner_id', 'at', 'id']).execute();
      await s.createIndex('waivers_created').on('waivers').columns(['created_at', 'id']).execute();
      await s
        .createIndex('waivers_onboarding_created')
        .on('waivers')
        .columns(['onboarding_id', 'created_at', 'id'])
        .execute();
      await s
        .createIndex('waivers_partner')
        .on('waivers')
        .columns(['partner_id', 'created_at', 'id'])
        .execute();

      // Onboardings and playbook versions page by (started_at | created_at, id) descending.
      await s.dropIndex('onboardings_partner').execute();
      await s
        .createIndex('onboardings_partner')
        .on('onboardings')
        .columns(['partner_id', 'started_at', 'id'])
        .execute();
      await s.createIndex('onboardings_started').on('onboardings').columns(['started_at', 'id']).execute();
      await s
        .createIndex('onboardings_playbook')
        .on('onboardings')
        .columns(['playbook_name', 'started_at', 'id'])
        .execute();
      await s.dropIndex('playbook_versions_name').execute();
      await s
        .createIndex('playbook_versions_name')
        .on('playbook_versions')
        .columns(['name', 'created_at', 'id'])
        .execute();
      await s
        .createIndex('playbook_versions_created')
        .on('playbook_versions')
        .columns(['created_at', 'id'])
        .execute();
    },
  };
}
