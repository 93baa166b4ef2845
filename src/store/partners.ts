import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, type StoreContext } from './context.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import type { PartnersTable } from './schema.js';

export interface Partner {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

function toPartner(row: PartnersTable): Partner {
  return { id: row.id, name: row.name, createdAt: row.created_at, createdBy: row.created_by };
}

export interface PartnerFilter {
  onlyId?: string;
  limit?: number;
  cursor?: string;
}

/** The query behind partners.list (exported so tests can EXPLAIN it): by name, which is unique. */
export function partnerListQuery(db: StoreContext['db'], filter: PartnerFilter, limit: number) {
  let q = db.selectFrom('partners').selectAll();
  if (filter.onlyId !== undefined) q = q.where('id', '=', filter.onlyId);
  if (filter.cursor !== undefined) q = q.where('name', '>', decodeCursor(filter.cursor)[0]);
  return q.orderBy('name').limit(limit + 1);
}

/** Partners: the companies being onboarded. */
export function partnerRepository(ctx: StoreContext) {
  return {
    /** Registers a partner; names are unique. */
    async create(input: { name: string; id?: string } & Actor): Promise<Partner> {
      const name = input.name.trim();
      if (!name) throw new InputError('partner.name', 'a partner needs a name');
      const now = ctx.now();
      const row: PartnersTable = {
        id: input.id ?? newId('prt'),
        name,
        created_at: now.toISOString(),
        created_by: input.actor,
      };
      await ctx.db.transaction().execute(async (trx) => {
        const clash = await trx
          .selectFrom('partners')
          .select('id')
          .where((eb) => eb.or([eb('name', '=', name), eb('id', '=', row.id)]))
          .executeTakeFirst();
        if (clash)
          throw new InputError('partner.exists', `a partner named "${name}" (or with id ${row.id}) exists`);
        await trx.insertInto('partners').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'partner.created',
          subject: row.id,
          payload: { name },
        });
      });
      return toPartner(row);
    },

    /** One partner by id. */
    async get(id: string): Promise<Partner | undefined> {
      const row = await ctx.db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPartner(row);
    },

    /** Partners by name (or only `onlyId`, for a partner-scoped caller), one page at a time. */
    async list(filter: PartnerFilter = {}): Promise<Page<Partner>> {
      const limit = pageSize(filter.limit);
      const rows = await partnerListQuery(ctx.db, filter, limit).execute();
      const items = rows.slice(0, limit).map(toPartner);
      const last = items.at(-1);
      return rows.length > limit && last
        ? { items, nextCursor: encodeCursor(last.name, last.id) }
        : { items };
    },
  };
}

export type PartnerRepository = ReturnType<typeof partnerRepository>;
