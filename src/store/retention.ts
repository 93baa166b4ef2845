import type { Transaction } from 'kysely';
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import type { Actor, StoreContext } from './context.js';
import type { Database } from './schema.js';

/** What one retention rule deletes: rows older than `before`, counted; the deletion is audited as `action`. */
export interface PruneRule {
  action: string;
  subject: string;
  remove(trx: Transaction<Database>, before: string): Promise<bigint | number>;
}

/** Deletes what a rule covers that is older than `olderThanDays`, with one audit event when anything went. */
export async function pruneOlderThan(
  ctx: StoreContext,
  rule: PruneRule,
  input: { olderThanDays: number } & Actor,
): Promise<{ deleted: number; before: string }> {
  if (!(input.olderThanDays >= 0))
    throw new InputError('retention.days', 'retention needs a number of days >= 0');
  const now = ctx.now();
  const before = new Date(now.getTime() - input.olderThanDays * 86_400_000).toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const deleted = Number(await rule.remove(trx, before));
    if (deleted > 0) {
      await appendAudit(trx, now, {
        actor: input.actor,
        action: rule.action,
        subject: rule.subject,
        payload: { before, deleted, olderThanDays: input.olderThanDays },
      });
    }
    return { deleted, before };
  });
}
