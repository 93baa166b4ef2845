import { type Kysely, type Migration, sql } from 'kysely';

const GENESIS = '0'.repeat(64);

/** The first schema: every table of the store, written once for both dialects. */
export function initial(blobType: 'blob' | 'bytea'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('partners')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();

      await s
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('partner_id', 'text', (c) => c.references('partners.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await s
        .createTable('playbook_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('playbook_text', 'text', (c) => c.notNull())
        .addColumn('spec_text', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await s
        .createIndex('playbook_versions_name')
        .on('playbook_versions')
        .columns(['name', 'created_at'])
        .execute();

      await s
        .createTable('onboardings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
        .addColumn('playbook_name', 'text', (c) => c.notNull())
        .addColumn('playbook_version_id', 'text', (c) => c.notNull().references('playbook_versions.id'))
        .addColumn('current_stage', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await s
        .createIndex('onboardings_partner')
        .on('onboardings')
        .columns(['partner_id', 'started_at'])
        .execute();

      await s
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.notNull().references('onboardings.id'))
        .addColumn('partner_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('playbook_version_id', 'text', (c) => c.notNull().references('playbook_versions.id'))
        .addColumn('environment', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('worker_id', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('evidence_hash', 'text')
        .execute();
      // Listings page by (created_at, id) descending, optionally within a partner, an onboarding or a status.
      await s.createIndex('runs_created').on('runs').columns(['created_at', 'id']).execute();
      await s.createIndex('runs_partner').on('runs').columns(['partner_id', 'created_at', 'id']).execute();
      await s
        .createIndex('runs_onboarding')
        .on('runs')
        .columns(['onboarding_id', 'stage', 'created_at', 'id'])
        .execute();
      await s.createIndex('runs_status').on('runs').columns(['status', 'created_at', 'id']).execute();

      await s
        .createTable('check_results')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('partner_id', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('required', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('findings', 'text', (c) => c.notNull())
        .addColumn('measurements', 'text', (c) => c.notNull())
        .addColumn('thresholds', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('evidence_sha', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Like runs: every listing filter is followed by (created_at, id) so the ORDER BY and the cursor use it.
      await s.createIndex('check_results_run').on('check_results').columns(['run_id', 'check_id']).execute();
      await s
        .createIndex('check_results_created')
        .on('check_results')
        .columns(['created_at', 'id'])
        .execute();
      await s
        .createIndex('check_results_check')
        .on('check_results')
        .columns(['check_id', 'outcome', 'created_at', 'id'])
        .execute();
      await s
        .createIndex('check_results_partner')
        .on('check_results')
        .columns(['partner_id', 'created_at', 'id'])
        .execute();

      await s
        .createTable('evidence')
        .addColumn('result_id', 'text', (c) =>
          c.primaryKey().references('check_results.id').onDelete('cascade'),
        )
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('raw_size', 'integer', (c) => c.notNull())
        .addColumn('truncated', 'integer', (c) => c.notNull())
        .addColumn('body', blobType, (c) => c.notNull())
        .execute();
      await s.createIndex('evidence_created').on('evidence').column('created_at').execute();
      await s.createIndex('evidence_run').on('evidence').column('run_id').execute();

      await s
        .createTable('signoffs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.notNull().references('onboardings.id'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('who', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('evidence_hash', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await s
        .createIndex('signoffs_stage')
        .on('signoffs')
        .columns(['onboarding_id', 'stage', 'at'])
        .execute();

      await s
        .createTable('waivers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.notNull().references('onboardings.id'))
        .addColumn('stage', 'text')
        .addColumn('check_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await s
        .createIndex('waivers_onboarding')
        .on('waivers')
        .columns(['onboarding_id', 'expires_at'])
        .execute();

      await s
        .createTable('transitions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('onboarding_id', 'text', (c) => c.notNull().references('onboardings.id'))
        .addColumn('from_stage', 'text')
        .addColumn('to_stage', 'text', (c) => c.notNull())
        .addColumn('who', 'text', (c) => c.notNull())
        .addColumn('why', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await s
        .createIndex('transitions_onboarding')
        .on('transitions')
        .columns(['onboarding_id', 'at'])
        .execute();

      await s
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('audit_events_subject').on('audit_events').columns(['subject', 'seq']).execute();
      await s
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS})`.execute(db);

      await s
        .createTable('secrets')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ciphertext', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('secrets_pk', ['scope', 'name'])
        .execute();
    },
  };
}
