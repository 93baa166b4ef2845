import { InputError } from '../core/errors.js';
import type { Waiver as GateWaiver } from '../core/gate.js';
import { appendAudit } from './audit.js';
import { type Actor, newId, type StoreContext } from './context.js';
import type { SignoffsTable, WaiversTable } from './schema.js';

export interface Signoff {
  id: string;
  onboardingId: string;
  stage: string;
  role: string;
  who: string;
  runId: string;
  /** The run's evidence hash at signing: a sign-off approves that evidence, not whatever comes later. */
  evidenceHash: string;
  note: string | null;
  at: string;
}

export interface StoredWaiver {
  id: string;
  onboardingId: string;
  /** Null: every stage of the onboarding. */
  stage: string | null;
  checkId: string;
  reason: string;
  approver: string;
  expiresAt: string;
  createdAt: string;
  revokedAt: string | null;
}

function toSignoff(row: SignoffsTable): Signoff {
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    stage: row.stage,
    role: row.role,
    who: row.who,
    runId: row.run_id,
    evidenceHash: row.evidence_hash,
    note: row.note,
    at: row.at,
  };
}

function toWaiver(row: WaiversTable): StoredWaiver {
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    stage: row.stage,
    checkId: row.check_id,
    reason: row.reason,
    approver: row.approver,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export interface SignoffFilter {
  onboardingId?: string;
  partnerId?: string;
  stage?: string;
  evidenceHash?: string;
}

export interface WaiverFilter {
  onboardingId?: string;
  partnerId?: string;
  activeOnly?: boolean;
}

type Db = StoreContext['db'];

/** The query behind signoffs.list (exported so tests can EXPLAIN it): oldest first. */
export function signoffListQuery(db: Db, filter: SignoffFilter) {
  let q = db.selectFrom('signoffs').selectAll();
  if (filter.onboardingId !== undefined) q = q.where('onboarding_id', '=', filter.onboardingId);
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.stage !== undefined) q = q.where('stage', '=', filter.stage);
  if (filter.evidenceHash !== undefined) q = q.where('evidence_hash', '=', filter.evidenceHash);
  return q.orderBy('at').orderBy('id');
}

/** The query behind waivers.list (exported so tests can EXPLAIN it): newest first. */
export function waiverListQuery(db: Db, filter: WaiverFilter, now: Date) {
  let q = db.selectFrom('waivers').selectAll();
  if (filter.onboardingId !== undefined) q = q.where('onboarding_id', '=', filter.onboardingId);
  if (filter.partnerId !== undefined) q = q.where('partner_id', '=', filter.partnerId);
  if (filter.activeOnly) q = q.where('revoked_at', 'is', null).where('expires_at', '>', now.toISOString());
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc');
}

/** Sign-offs: a role approves the evidence of one finished run of a stage. */
export function signoffRepository(ctx: StoreContext) {
  return {
    /** Records a sign-off on a finished run; `evidenceHash`, when given, must match the run's (stale page guard). */
    async create(
      input: {
        onboardingId: string;
        stage: string;
        role: string;
        runId: string;
        evidenceHash?: string;
        note?: string;
      } & Actor,
    ): Promise<Signoff> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const run = await trx
          .selectFrom('runs')
          .select(['onboarding_id', 'partner_id', 'stage', 'evidence_hash'])
          .where('id', '=', input.runId)
          .executeTakeFirst();
        if (!run || run.onboarding_id !== input.onboardingId) {
          throw new InputError('run.not-found', `no run ${input.runId} in onboarding ${input.onboardingId}`);
        }
        if (run.stage !== input.stage) {
          throw new InputError(
            'signoff.stage',
            `run ${input.runId} is of stage ${run.stage}, not ${input.stage}`,
          );
        }
        if (run.evidence_hash === null)
          throw new InputError('signoff.unfinished', `run ${input.runId} has not finished`);
        if (input.evidenceHash !== undefined && input.evidenceHash !== run.evidence_hash) {
          throw new InputError(
            'signoff.evidence-changed',
            `the evidence of run ${input.runId} is not the one signed`,
          );
        }
        const row: SignoffsTable = {
          id: newId('sgn'),
          onboarding_id: input.onboardingId,
          partner_id: run.partner_id,
          stage: input.stage,
          role: input.role,
          who: input.actor,
          run_id: input.runId,
          evidence_hash: run.evidence_hash,
          note: input.note ?? null,
          at: now.toISOString(),
        };
        await trx.insertInto('signoffs').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'signoff.created',
          subject: row.id,
          payload: {
            onboardingId: row.onboarding_id,
            stage: row.stage,
            role: row.role,
            runId: row.run_id,
            evidenceHash: row.evidence_hash,
            note: row.note,
          },
        });
        return toSignoff(row);
      });
    },

    /** Sign-offs oldest first, of an onboarding or a partner (or all), optionally of one stage or evidence hash. */
    async list(filter: SignoffFilter = {}): Promise<Signoff[]> {
      return (await signoffListQuery(ctx.db, filter).execute()).map(toSignoff);
    },

    /** The distinct roles that signed this evidence of this stage (GateInput.signedBy). */
    async rolesSigned(onboardingId: string, stage: string, evidenceHash: string): Promise<string[]> {
      const rows = await ctx.db
        .selectFrom('signoffs')
        .select('role')
        .distinct()
        .where('onboarding_id', '=', onboardingId)
        .where('stage', '=', stage)
        .where('evidence_hash', '=', evidenceHash)
        .orderBy('role')
        .execute();
      return rows.map((r) => r.role);
    },
  };
}

/** Waivers: written, attributed, expiring exceptions for one failing check. */
export function waiverRepository(ctx: StoreContext) {
  return {
    /** Grants a waiver; the approver defaults to the actor; it must expire in the future. */
    async create(
      input: {
        onboardingId: string;
        stage?: string | null;
        checkId: string;
        reason: string;
        approver?: string;
        expiresAt: Date | string;
      } & Actor,
    ): Promise<StoredWaiver> {
      const now = ctx.now();
      const expires = new Date(input.expiresAt);
      if (Number.isNaN(expires.getTime()))
        throw new InputError('waiver.expires', 'a waiver needs a valid expiry time');
      if (expires <= now) throw new InputError('waiver.expires', 'a waiver must expire in the future');
      if (!input.reason.trim()) throw new InputError('waiver.reason', 'a waiver needs a written reason');
      return ctx.db.transaction().execute(async (trx) => {
        const onboarding = await trx
          .selectFrom('onboardings')
          .select(['id', 'partner_id'])
          .where('id', '=', input.onboardingId)
          .executeTakeFirst();
        if (!onboarding) throw new InputError('onboarding.not-found', `no onboarding ${input.onboardingId}`);
        const row: WaiversTable = {
          id: newId('wvr'),
          onboarding_id: input.onboardingId,
          partner_id: onboarding.partner_id,
          stage: input.stage ?? null,
          check_id: input.checkId,
          reason: input.reason.trim(),
          approver: input.approver ?? input.actor,
          expires_at: expires.toISOString(),
          created_at: now.toISOString(),
          revoked_at: null,
        };
        await trx.insertInto('waivers').values(row).execute();
        await appendAudit(trx, now, {
          actor: input.actor,
          action: 'waiver.created',
          subject: row.id,
          payload: {
            onboardingId: row.onboarding_id,
            stage: row.stage,
            checkId: row.check_id,
            reason: row.reason,
            approver: row.approver,
            expiresAt: row.expires_at,
          },
        });
        return toWaiver(row);
      });
    },

    /** Revokes a waiver before it expires; false when there is no such live waiver. */
    async revoke(id: string, by: Actor & { why?: string }): Promise<boolean> {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('waivers')
          .set({ revoked_at: now.toISOString() })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await appendAudit(trx, now, {
          actor: by.actor,
          action: 'waiver.revoked',
          subject: id,
          payload: { why: by.why ?? null },
        });
        return true;
      });
    },

    /** One waiver by id (expired and revoked ones too). */
    async get(id: string): Promise<StoredWaiver | undefined> {
      const row = await ctx.db.selectFrom('waivers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toWaiver(row);
    },

    /** Waivers, newest first; `activeOnly` drops expired and revoked ones; `partnerId` scopes to one partner. */
    async list(filter: WaiverFilter = {}): Promise<StoredWaiver[]> {
      return (await waiverListQuery(ctx.db, filter, ctx.now()).execute()).map(toWaiver);
    },

    /** The waivers that count now for a stage of an onboarding (GateInput.waivers): unexpired, unrevoked. */
    async activeFor(onboardingId: string, stage: string): Promise<GateWaiver[]> {
      const rows = await ctx.db
        .selectFrom('waivers')
        .selectAll()
        .where('onboarding_id', '=', onboardingId)
        .where((eb) => eb.or([eb('stage', 'is', null), eb('stage', '=', stage)]))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', ctx.now().toISOString())
        // Waivers granted at the same instant come back in a stable order whichever index the planner picks.
        .orderBy('created_at')
        .orderBy('check_id')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        checkId: r.check_id,
        reason: r.reason,
        approver: r.approver,
        expiresAt: r.expires_at,
      }));
    },
  };
}

export type SignoffRepository = ReturnType<typeof signoffRepository>;
export type WaiverRepository = ReturnType<typeof waiverRepository>;
