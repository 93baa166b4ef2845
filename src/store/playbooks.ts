import { sql } from 'kysely';
import { appendAudit } from './audit.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { Actor, StoreContext } from './context.js';
import type { PlaybookVersionsTable } from './schema.js';

export interface PlaybookVersion {
  /** Content address: hex sha256 of the canonical playbook and spec texts. */
  id: string;
  name: string;
  playbookText: string;
  specText: string | null;
  createdAt: string;
  createdBy: string;
}

export type PlaybookVersionSummary = Omit<PlaybookVersion, 'playbookText' | 'specText'>;

/** Texts that differ only by a BOM or line endings are the same content. */
function canonicalText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The content address of a playbook text and its spec text. */
export function playbookVersionId(playbookText: string, specText?: string | null): string {
  return sha256Hex(
    canonicalJson({
      playbook: canonicalText(playbookText),
      spec: specText == null ? null : canonicalText(specText),
    }),
  );
}

function toVersion(row: PlaybookVersionsTable): PlaybookVersion {
  return {
    id: row.id,
    name: row.name,
    playbookText: row.playbook_text,
    specText: row.spec_text,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface PlaybookFilter {
  name?: string;
  ids?: readonly string[];
}

// Ids per query: well under both databases' bound-parameter limits.
const ID_CHUNK = 500;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toSummary(r: Omit<PlaybookVersionsTable, 'playbook_text' | 'spec_text'>): PlaybookVersionSummary {
  return { id: r.id, name: r.name, createdAt: r.created_at, createdBy: r.created_by };
}

/** The query behind playbooks.list (exported so tests can EXPLAIN it): newest first, without the texts. */
export function playbookListQuery(db: StoreContext['db'], filter: PlaybookFilter) {
  let q = db.selectFrom('playbook_versions').select(['id', 'name', 'created_at', 'created_by']);
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  if (filter.ids !== undefined) {
    // An empty list matches nothing (an empty IN is not valid SQL).
    if (filter.ids.length === 0) q = q.where(sql.lit(false));
    else q = q.where('id', 'in', filter.ids);
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc');
}

/** Playbook versions, content-addressed and immutable. */
export function playbookRepository(ctx: StoreContext) {
  return {
    /** Stores a version; storing the same content again returns the existing one with created=false. */
    async put(
      input: { name: string; playbookText: string; specText?: string | null } & Actor,
    ): Promise<{ version: PlaybookVersion; created: boolean }> {
      const id = playbookVersionId(input.playbookText, input.specText);
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('playbook_versions')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (existing) return { version: toVersion(existing), created: false };
        const row: PlaybookVersionsTable = {
          id,
          name: input.name,
          playbook_text: canonicalText(input.playbookText),
          spec_text: input.specText == null ? null : canonicalText(input.specText),
          created_at: now.toISOString(),
          created_by: input.actor,
        };
        // Two pushes of the same content can race past the check above: the second one inserts nothing.
        const inserted = await trx
          .insertInto('playbook_versions')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
          const winner = await trx
            .selectFrom('playbook_versions')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          return { version: toVersion(winner), created: false };
        }
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'playbook.version.created',
          subject: id,
          payload: { name: input.name, hasSpec: row.spec_text !== null },
        });
        return { version: toVersion(row), created: true };
      });
    },

    /** One version with its texts. */
    async get(id: string): Promise<PlaybookVersion | undefined> {
      const row = await ctx.db
        .selectFrom('playbook_versions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toVersion(row);
    },

    /**
     * Versions without their texts, newest first: all, of one playbook name, and/or only `ids` (what a partner's
     * onboardings use).
     */
    async list(filter: PlaybookFilter = {}): Promise<PlaybookVersionSummary[]> {
      if (filter.ids === undefined) return (await playbookListQuery(ctx.db, filter).execute()).map(toSummary);
      const ids = [...new Set(filter.ids)];
      const rows = [];
      for (let i = 0; i < ids.length; i += ID_CHUNK) {
        const chunk = { ...filter, ids: ids.slice(i, i + ID_CHUNK) };
        rows.push(...(await playbookListQuery(ctx.db, chunk).execute()));
      }
      // Each chunk comes back in order; merge them newest first, as one query would have.
      rows.sort((a, b) => cmp(b.created_at, a.created_at) || cmp(b.id, a.id));
      return rows.map(toSummary);
    },
  };
}

export type PlaybookRepository = ReturnType<typeof playbookRepository>;
