// Change markers (deploys, config changes, playbook versions): what incidents are linked to by time.
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, type StoreContext } from './context.js';
import { isoTime } from './incident-rows.js';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.js';
import type { ChangesTable } from './schema.js';

export const CHANGE_KINDS = ['deploy', 'config', 'playbook', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  id: string;
  at: string;
  kind: ChangeKind;
  title: string;
  description: string | null;
  /** Null: a platform-wide change (it may affect every partner). */
  partnerId: string | null;
  environment: string | null;
  /** A commit, a version, a ticket: whatever identifies the change where it was made. */
  ref: string | null;
  actor: string;
  createdAt: string;
}

export interface ChangeInput {
  /** When the change happened (default: now). ISO text or ms. */
  at?: string | number;
  kind: ChangeKind;
  title: string;
  description?: string | null;
  partnerId?: string | null;
  environment?: string | null;
  ref?: string | null;
}

export interface ChangeFilter {
  since?: string | number;
  until?: string | number;
  /** That partner's changes only (exact match). */
  partnerId?: string;
  environment?: string;
  limit?: number;
  cursor?: string;
}

type Db = StoreContext['db'];

function toChange(row: ChangesTable): Change {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind as ChangeKind,
    title: row.title,
    description: row.description,
    partnerId: row.partner_id,
    environment: row.environment,
    ref: row.ref,
    actor: row.actor,
    createdAt: row.created_at,
  };
}

/** The query behind changes.list (exported so tests can EXPLAIN it): newest first by (at, id). */
export function changeListQuery(db: Db, filter: ChangeFilter, limit: number) {
  let q = db.selectFrom('changes').selectAll();
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.environment !== undefined) q = q.where('environment', '=', filter.environment);
  if (filter.since !== undefined) q = q.where('at', '>=', isoTime(filter.since, 'since'));
  if (filter.until !== undefined) q = q.where('at', '<', isoTime(filter.until, 'until'));
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    q = q.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(at, id)));
  }
  return q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

const MAX_TEXT = 2000;

/** Change markers posted to /api/v1/changes (audited). */
export function changeRepository(ctx: StoreContext) {
  return {
    /** Records a change marker. */
    async add(input: ChangeInput, by: Actor): Promise<Change> {
      if (!(CHANGE_KINDS as readonly string[]).includes(input.kind))
        throw new InputError('change.kind', `a change's kind is one of ${CHANGE_KINDS.join(', ')}`);
      const title = (input.title ?? '').trim();
      if (!title) throw new InputError('change.title', 'a change needs a title');
      const now = ctx.now();
      const row: ChangesTable = {
        id: newId('chg'),
        at: input.at === undefined ? now.toISOString() : isoTime(input.at, 'at'),
        kind: input.kind,
        title: title.slice(0, MAX_TEXT),
        description: input.description?.slice(0, MAX_TEXT * 5) ?? null,
        partner_id: input.partnerId ?? null,
        environment: input.environment ?? null,
        ref: input.ref?.slice(0, MAX_TEXT) ?? null,
        actor: by.actor,
        created_at: now.toISOString(),
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('changes').values(row).execute();
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'change.recorded',
          subject: row.id,
          payload: {
            kind: row.kind,
            title: row.title,
            partnerId: row.partner_id,
            environment: row.environment,
          },
        });
      });
      return toChange(row);
    },

    /** Changes newest first, filtered, one page at a time. */
    async list(filter: ChangeFilter = {}): Promise<Page<Change>> {
      const limit = pageSize(filter.limit);
      const rows = await changeListQuery(ctx.db, filter, limit).execute();
      const items = rows.slice(0, limit).map(toChange);
      const last = items.at(-1);
      return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.at, last.id) } : { items };
    },
  };
}

export type ChangeRepository = ReturnType<typeof changeRepository>;
