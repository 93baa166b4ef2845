import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, type StoreContext } from './context.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import type { OnboardingsTable, TransitionsTable } from './schema.js';

export interface Onboarding {
  id: string;
  partnerId: string;
  playbookName: string;
  playbookVersionId: string;
  currentStage: string;
  startedAt: string;
  createdBy: string;
}

export interface Transition {
  id: string;
  onboardingId: string;
  from: string | null;
  to: string;
  who: string;
  why: string;
  at: string;
}

function toOnboarding(row: OnboardingsTable): Onboarding {
  return {
    id: row.id,
    partnerId: row.partner_id,
    playbookName: row.playbook_name,
    playbookVersionId: row.playbook_version_id,
    currentStage: row.current_stage,
    startedAt: row.started_at,
    createdBy: row.created_by,
  };
}

function toTransition(row: TransitionsTable): Transition {
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    from: row.from_stage,
    to: row.to_stage,
    who: row.who,
    why: row.why,
    at: row.at,
  };
}

export interface OnboardingFilter {
  partnerId?: string;
  playbookName?: string;
  limit?: number;
  cursor?: string;
}

/** The query behind onboardings.list (exported so tests can EXPLAIN it): newest first, one more than the page. */
export function onboardingListQuery(db: StoreContext['db'], filter: OnboardingFilter, limit: number) {
  let q = db.selectFrom('onboardings').selectAll();
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.playbookName !== undefined) q = q.where('playbook_name', '=', filter.playbookName);
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    q = q.where((eb) => eb(eb.refTuple('started_at', 'id'), '<', eb.tuple(at, id)));
  }
  return q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

/** Onboardings (partner × playbook, at a current stage) and their stage transitions. */
export function onboardingRepository(ctx: StoreContext) {
  return {
    /** Starts an onboarding of a partner on a playbook version, at its first stage. */
    async create(
      input: { partnerId: string; playbookVersionId: string; stage: string } & Actor,
    ): Promise<Onboarding> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const partner = await trx
          .selectFrom('partners')
          .select('id')
          .where('id', '=', input.partnerId)
          .executeTakeFirst();
        if (!partner) throw new InputError('partner.not-found', `no partner ${input.partnerId}`);
        const version = await trx
          .selectFrom('playbook_versions')
          .select(['id', 'name'])
          .where('id', '=', input.playbookVersionId)
          .executeTakeFirst();
        if (!version)
          throw new InputError('playbook.not-found', `no playbook version ${input.playbookVersionId}`);
        const row: OnboardingsTable = {
          id: newId('onb'),
          partner_id: input.partnerId,
          playbook_name: version.name,
          playbook_version_id: version.id,
          current_stage: input.stage,
          started_at: now.toISOString(),
          created_by: input.actor,
        };
        await trx.insertInto('onboardings').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'onboarding.started',
          subject: row.id,
          payload: {
            partnerId: row.partner_id,
            playbookVersionId: row.playbook_version_id,
            stage: row.current_stage,
          },
        });
        return toOnboarding(row);
      });
    },

    /** One onboarding by id. */
    async get(id: string): Promise<Onboarding | undefined> {
      const row = await ctx.db.selectFrom('onboardings').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOnboarding(row);
    },

    /** Onboardings newest first, optionally of one partner and/or playbook name, one page at a time. */
    async list(filter: OnboardingFilter = {}): Promise<Page<Onboarding>> {
      const limit = pageSize(filter.limit);
      const rows = await onboardingListQuery(ctx.db, filter, limit).execute();
      const items = rows.slice(0, limit).map(toOnboarding);
      const last = items.at(-1);
      return rows.length > limit && last
        ? { items, nextCursor: encodeCursor(last.startedAt, last.id) }
        : { items };
    },

    /**
     * Moves an onboarding from `from` to `to` (the caller has evaluated the gate). Refused when the onboarding is
     * no longer at `from`, so two concurrent advances cannot both succeed. May also switch the playbook version.
     */
    async transition(
      input: {
        onboardingId: string;
        from: string;
        to: string;
        why: string;
        playbookVersionId?: string;
      } & Actor,
    ): Promise<Transition> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const set: Partial<OnboardingsTable> = { current_stage: input.to };
        if (input.playbookVersionId !== undefined) set.playbook_version_id = input.playbookVersionId;
        const res = await trx
          .updateTable('onboardings')
          .set(set)
          .where('id', '=', input.onboardingId)
          .where('current_stage', '=', input.from)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) {
          const row = await trx
            .selectFrom('onboardings')
            .select('current_stage')
            .where('id', '=', input.onboardingId)
            .executeTakeFirst();
          if (!row) throw new InputError('onboarding.not-found', `no onboarding ${input.onboardingId}`);
          throw new InputError(
            'onboarding.stage-conflict',
            `onboarding ${input.onboardingId} is at stage ${row.current_stage}, not ${input.from}`,
          );
        }
        const row: TransitionsTable = {
          id: newId('trn'),
          onboarding_id: input.onboardingId,
          from_stage: input.from,
          to_stage: input.to,
          who: input.actor,
          why: input.why,
          at: now.toISOString(),
        };
        await trx.insertInto('transitions').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'onboarding.transitioned',
          subject: input.onboardingId,
          payload: {
            transitionId: row.id,
            from: input.from,
            to: input.to,
            why: input.why,
            playbookVersionId: input.playbookVersionId,
          },
        });
        return toTransition(row);
      });
    },

    /** The transitions of an onboarding, oldest first. */
    async transitions(onboardingId: string): Promise<Transition[]> {
      const rows = await ctx.db
        .selectFrom('transitions')
        .selectAll()
        .where('onboarding_id', '=', onboardingId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toTransition);
    },
  };
}

export type OnboardingRepository = ReturnType<typeof onboardingRepository>;
