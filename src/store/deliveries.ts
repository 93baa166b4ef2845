// Notification deliveries by idempotency key: a delivery job asks `begin` before sending, so a key already
// delivered (or given up on) is never sent again, however often the job is retried or replayed. Not audited:
// delivery bookkeeping, not a decision (the incident's timeline records notifications).
import { InputError } from '../core/errors.js';
import { parseJson, type StoreContext } from './context.js';
import { appendIncidentEvents, type IncidentEventInput, incidentEventRow } from './incident-rows.js';
import type { DeliveriesTable } from './schema.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  key: string;
  incidentId: string;
  notifier: string;
  /** What was notified: triggered, escalated, acknowledged, resolved, breach... */
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** What the receiver gave back (ticket number, message id), for later updates and closing. */
  ref: unknown;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

/** Timeline entries written with a delivery's outcome, in its transaction (see `succeeded`, `failed`). */
export interface TimelineRecord {
  events: readonly IncidentEventInput[];
  actor: string;
}

/** Characters of an error message kept: enough to diagnose, never a whole response body. */
export const MAX_DELIVERY_ERROR = 500;

function toDelivery(row: DeliveriesTable): Delivery {
  return {
    key: row.key,
    incidentId: row.incident_id,
    notifier: row.notifier,
    event: row.event,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    ref: parseJson<unknown>(row.ref, null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

/** Deliveries: one row per idempotency key. */
export function deliveryRepository(ctx: StoreContext) {
  const get = async (key: string): Promise<Delivery | undefined> => {
    const row = await ctx.db.selectFrom('deliveries').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toDelivery(row);
  };
  /**
   * Settles a pending delivery; with `record`, the same transaction appends the incident's timeline entries —
   * only when this call is the one that settled it, so a replayed job never records the notification twice.
   */
  const settle = async (
    key: string,
    set: Partial<DeliveriesTable>,
    record?: TimelineRecord,
  ): Promise<Delivery> => {
    const write = async (db: StoreContext['db']) => {
      const row = await db
        .updateTable('deliveries')
        .set({ ...set, updated_at: ctx.now().toISOString() })
        .where('key', '=', key)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (row && record && record.events.length > 0) {
        const now = ctx.now();
        const rows = record.events.map((e) => incidentEventRow(row.incident_id, e, now, record.actor));
        await appendIncidentEvents(db, row.incident_id, rows);
      }
      return row;
    };
    const row = record ? await ctx.db.transaction().execute(write) : await write(ctx.db);
    if (row) return toDelivery(row);
    // Already settled (a replayed job): the first outcome stands.
    const current = await get(key);
    if (!current) throw new InputError('delivery.not-found', `no delivery ${key}`);
    return current;
  };

  return {
    /**
     * Starts an attempt: inserts the key if absent (pending), counts the attempt while it is pending, and says
     * whether to send (`send`: false once delivered, failed for good or skipped). Not a lock: the delivery job
     * is what runs one attempt at a time per key.
     */
    async begin(
      key: string,
      input: { incidentId: string; notifier: string; event: string },
    ): Promise<{ delivery: Delivery; send: boolean }> {
      if (!key) throw new InputError('delivery.key', 'a delivery needs an idempotency key');
      const at = ctx.now().toISOString();
      return ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('deliveries')
          .values({
            key,
            incident_id: input.incidentId,
            notifier: input.notifier,
            event: input.event,
            status: 'pending',
            attempts: 0,
            last_error: null,
            ref: null,
            created_at: at,
            updated_at: at,
            delivered_at: null,
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const pending = await trx
          .updateTable('deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at }))
          .where('key', '=', key)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst();
        if (pending) return { delivery: toDelivery(pending), send: true };
        const settled = await trx
          .selectFrom('deliveries')
          .selectAll()
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        return { delivery: toDelivery(settled), send: false };
      });
    },

    /** The receiver took it: delivered, with what it gave back (and the timeline entries saying so). */
    async succeeded(key: string, ref?: unknown, record?: TimelineRecord): Promise<Delivery> {
      const at = ctx.now().toISOString();
      return settle(
        key,
        {
          status: 'delivered',
          delivered_at: at,
          ref: ref === undefined ? null : (JSON.stringify(ref) ?? null),
          last_error: null,
        },
        record,
      );
    },

    /**
     * An attempt failed: the message (already free of secrets: the notifier's job) is kept truncated; `final`
     * gives up (status failed), otherwise the key stays pending for the next retry.
     */
    async failed(key: string, error: string, final: boolean, record?: TimelineRecord): Promise<Delivery> {
      return settle(
        key,
        { status: final ? 'failed' : 'pending', last_error: String(error).slice(0, MAX_DELIVERY_ERROR) },
        final ? record : undefined,
      );
    },

    /** Nothing to send after all (e.g. the notifier was removed from the playbook). */
    async skipped(key: string, why: string): Promise<Delivery> {
      return settle(key, { status: 'skipped', last_error: String(why).slice(0, MAX_DELIVERY_ERROR) });
    },

    /** One delivery by key. */
    get,

    /** The ref of the last delivered notification of an incident to a notifier (e.g. the ticket to comment on). */
    async lastRef(incidentId: string, notifier: string): Promise<unknown> {
      const row = await ctx.db
        .selectFrom('deliveries')
        .select('ref')
        .where('incident_id', '=', incidentId)
        .where('notifier', '=', notifier)
        .where('status', '=', 'delivered')
        .where('ref', 'is not', null)
        .orderBy('created_at', 'desc')
        .orderBy('key', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? parseJson<unknown>(row.ref, undefined) : undefined;
    },

    /** An incident's deliveries, oldest first. */
    async list(incidentId: string): Promise<Delivery[]> {
      const rows = await ctx.db
        .selectFrom('deliveries')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('key')
        .limit(10_000)
        .execute();
      return rows.map(toDelivery);
    },
  };
}

export type DeliveryRepository = ReturnType<typeof deliveryRepository>;
