import type { Kysely, Migration } from 'kysely';

/**
 * Which onboardings are monitored: a switch per onboarding, turned on and off through the API (audited). And an
 * index for a dedup key's past incidents (a flapping detector re-opens the last one).
 */
export function monitoring(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('monitoring')
        .addColumn('onboarding_id', 'text', (c) =>
          c.primaryKey().references('onboardings.id').onDelete('cascade'),
        )
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('incidents_dedup_opened')
        .on('incidents')
        .columns(['dedup_key', 'opened_at', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('incidents_dedup_opened').execute();
      await db.schema.dropTable('monitoring').execute();
    },
  };
}
