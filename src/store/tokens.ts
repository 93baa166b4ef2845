import { randomBytes } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { sha256Hex } from './canonical.js';
import { type Actor, newId, type StoreContext } from './context.js';
import type { TokensTable } from './schema.js';

export const ROLES = ['admin', 'operator', 'viewer', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** A stored API token, without its secret. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** Set for role "partner": the only partner this token may see. */
  partnerId: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const PREFIX = 'gw_';

function toRecord(row: TokensTable): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    partnerId: row.partner_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Tokens: random 32 bytes shown once as gw_<base64url>; only their sha256 is stored. */
export function tokenRepository(ctx: StoreContext) {
  return {
    /** Creates a token; `token` is the only copy of the secret (print it once). */
    async create(
      input: { role: Role; name: string; partnerId?: string } & Actor,
    ): Promise<{ token: string; record: TokenRecord }> {
      if (!ROLES.includes(input.role)) {
        throw new InputError(
          'token.role',
          `unknown role "${input.role}" (expected one of ${ROLES.join(', ')})`,
        );
      }
      if (input.role === 'partner' && !input.partnerId) {
        throw new InputError('token.partner-required', 'a partner token needs the partner it is scoped to');
      }
      if (input.role !== 'partner' && input.partnerId) {
        throw new InputError('token.partner-scope', `a ${input.role} token cannot be scoped to a partner`);
      }
      const token = PREFIX + randomBytes(32).toString('base64url');
      const now = ctx.now();
      const row: TokensTable = {
        id: newId('tok'),
        hash: sha256Hex(token),
        name: input.name,
        role: input.role,
        partner_id: input.partnerId ?? null,
        created_at: now.toISOString(),
        created_by: input.actor,
        last_used_at: null,
        revoked_at: null,
      };
      await ctx.db.transaction().execute(async (trx) => {
        if (row.partner_id) {
          const partner = await trx
            .selectFrom('partners')
            .select('id')
            .where('id', '=', row.partner_id)
            .executeTakeFirst();
          if (!partner) throw new InputError('partner.not-found', `no partner ${row.partner_id}`);
        }
        await trx.insertInto('tokens').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'token.created',
          subject: row.id,
          payload: { name: row.name, role: row.role, partnerId: row.partner_id },
        });
      });
      return { token, record: toRecord(row) };
    },

    /** The live token record for a raw token, or undefined (unknown, malformed or revoked). Touches last-used. */
    async authenticate(token: string): Promise<TokenRecord | undefined> {
      if (!token.startsWith(PREFIX) || token.length > 100) return undefined;
      const row = await ctx.db
        .selectFrom('tokens')
        .selectAll()
        .where('hash', '=', sha256Hex(token))
        .executeTakeFirst();
      if (!row || row.revoked_at !== null) return undefined;
      const now = ctx.now().toISOString();
      // Last-used is bookkeeping, not a decision: not audited, and written at most once a minute per token.
      if (row.last_used_at === null || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
        await ctx.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
        row.last_used_at = now;
      }
      return toRecord(row);
    },

    /** Revokes a token; returns false when there is no such live token. */
    async revoke(id: string, by: Actor): Promise<boolean> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('tokens')
          .set({ revoked_at: now.toISOString() })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await appendAudit(trx, now, { actor: by.actor, action: 'token.revoked', subject: id, payload: {} });
        return true;
      });
    },

    /** Lists tokens (never their secrets), newest first. */
    async list(options: { partnerId?: string; includeRevoked?: boolean } = {}): Promise<TokenRecord[]> {
      let q = ctx.db.selectFrom('tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
      if (options.partnerId !== undefined) q = q.where('partner_id', '=', options.partnerId);
      if (!options.includeRevoked) q = q.where('revoked_at', 'is', null);
      return (await q.execute()).map(toRecord);
    },

    /** One token record by id. */
    async get(id: string): Promise<TokenRecord | undefined> {
      const row = await ctx.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
  };
}

export type TokenRepository = ReturnType<typeof tokenRepository>;
