import type { Kysely } from 'kysely';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { StoreContext } from './context.js';
import type { AuditEventsTable, Database } from './schema.js';

export const GENESIS_HASH = '0'.repeat(64);

/** What a write says about itself in the audit trail. */
export interface AuditInput {
  actor: string;
  /** Dotted verb, e.g. "run.created", "waiver.created". */
  action: string;
  /** Id of the thing written (run id, partner id...). */
  subject: string;
  payload: Record<string, unknown>;
}

/** One link of the hash chain. */
export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; events: number; headHash: string }
  | { ok: false; firstBroken: number; reason: string };

/** The hash of an event: sha256(prev_hash || canonical JSON of the event without its hash). */
export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    payload: e.payload,
    prev_hash: e.prevHash,
  });
  return sha256Hex(e.prevHash + body);
}

/**
 * Appends an event to the chain. Must run inside the transaction of the write it records. The first statement
 * updates the single head row, which locks it (a row lock on PostgreSQL, the write lock on SQLite) until commit:
 * a concurrent writer waits, then reads the head this one left, so the chain cannot fork.
 */
export async function appendAudit(trx: Kysely<Database>, at: Date, input: AuditInput): Promise<AuditEvent> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const payload = JSON.parse(canonicalJson(input.payload)) as unknown;
  const event: Omit<AuditEvent, 'hash'> = {
    seq: Number(head.seq),
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    subject: input.subject,
    payload,
    prevHash: head.hash,
  };
  const hash = eventHash(event);
  await trx
    .insertInto('audit_events')
    .values({
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      payload: canonicalJson(payload),
      prev_hash: event.prevHash,
      hash,
    })
    .execute();
  await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return { ...event, hash };
}

function toEvent(row: AuditEventsTable): AuditEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const PAGE = 2000;

/** Walks the whole chain and names the first event that does not hash or link as it should. */
export async function verifyAudit(ctx: StoreContext): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq)
        return { ok: false, firstBroken: expectedSeq, reason: `event ${expectedSeq} is missing` };
      try {
        JSON.parse(row.payload);
      } catch {
        return { ok: false, firstBroken: seq, reason: `event ${seq} has a payload that is not JSON` };
      }
      if (row.prev_hash !== prevHash) {
        return {
          ok: false,
          firstBroken: seq,
          reason: `event ${seq} does not link to the hash of event ${seq - 1}`,
        };
      }
      const event = toEvent(row);
      if (eventHash(event) !== row.hash) {
        return {
          ok: false,
          firstBroken: seq,
          reason: `event ${seq} was altered: its content does not match its hash`,
        };
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < PAGE) break;
  }
  const last = expectedSeq - 1;
  const head = await ctx.db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!head) return { ok: false, firstBroken: last + 1, reason: 'the chain head row is missing' };
  if (Number(head.seq) !== last || head.hash !== prevHash) {
    return {
      ok: false,
      firstBroken: Math.min(Number(head.seq), last + 1),
      reason: `the chain head says ${Number(head.seq)} events but ${last} link up: events were removed or the head altered`,
    };
  }
  return { ok: true, events: last, headHash: prevHash };
}

/** Reads events in order, for the audit API: after a seq, optionally about one subject. */
export async function listAudit(
  ctx: StoreContext,
  options: { afterSeq?: number; limit?: number; subject?: string } = {},
): Promise<AuditEvent[]> {
  let q = ctx.db
    .selectFrom('audit_events')
    .selectAll()
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
  if (options.subject !== undefined) q = q.where('subject', '=', options.subject);
  return (await q.execute()).map(toEvent);
}
