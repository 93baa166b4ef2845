// The monitoring switch of each onboarding: whether its playbook's monitors run (migration 0004).
import { appendAudit } from './audit.js';
import type { Actor, StoreContext } from './context.js';

export interface MonitoringSwitch {
  onboardingId: string;
  enabled: boolean;
  changedAt: string;
  changedBy: string;
}

/** Turning monitoring on and off is a decision: each change is audited. */
export function monitoringRepository(ctx: StoreContext) {
  return {
    /** Sets the switch; returns it. */
    async set(onboardingId: string, enabled: boolean, by: Actor): Promise<MonitoringSwitch> {
      const now = ctx.now();
      const row = {
        onboarding_id: onboardingId,
        enabled: enabled ? 1 : 0,
        changed_at: now.toISOString(),
        changed_by: by.actor,
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('monitoring')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('onboarding_id')
              .doUpdateSet({ enabled: row.enabled, changed_at: row.changed_at, changed_by: row.changed_by }),
          )
          .execute();
        await appendAudit(trx, now, {
          actor: by.actor,
          action: enabled ? 'monitoring.enabled' : 'monitoring.disabled',
          subject: onboardingId,
          payload: {},
        });
      });
      return { onboardingId, enabled, changedAt: row.changed_at, changedBy: row.changed_by };
    },

    /** The switch of an onboarding; undefined when it was never set (off). */
    async get(onboardingId: string): Promise<MonitoringSwitch | undefined> {
      const row = await ctx.db
        .selectFrom('monitoring')
        .selectAll()
        .where('onboarding_id', '=', onboardingId)
        .executeTakeFirst();
      return (
        row && {
          onboardingId: row.onboarding_id,
          enabled: Number(row.enabled) === 1,
          changedAt: row.changed_at,
          changedBy: row.changed_by,
        }
      );
    },

    /** Whether the onboarding's monitors run. */
    async enabled(onboardingId: string): Promise<boolean> {
      return (await this.get(onboardingId))?.enabled ?? false;
    },

    /** Every monitored onboarding's id (for re-scheduling at start). */
    async enabledIds(): Promise<string[]> {
      const rows = await ctx.db
        .selectFrom('monitoring')
        .select('onboarding_id')
        .where('enabled', '=', 1)
        .execute();
      return rows.map((r) => r.onboarding_id);
    },
  };
}
