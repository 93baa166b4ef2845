import { randomBytes } from 'node:crypto';

export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Sandbox test amounts (documented in the spec's description). */
export const DECLINED_AMOUNT = 40002;
export const PENDING_AMOUNT = 40010;
export const MAX_REFUNDS_PER_PAYMENT = 100;

export interface PaymentInput {
  amount: number;
  currency: Currency;
  description?: string;
  customer?: { email: string; name?: string };
  metadata?: Record<string, string>;
}

/** A payment exactly as the API shows it (field names are the wire names). */
export interface Payment extends Required<Pick<PaymentInput, 'amount' | 'currency' | 'metadata'>> {
  id: string;
  status: PaymentStatus;
  description?: string;
  customer?: { email: string; name?: string };
  refunded_amount: number;
  created_at: string;
}

export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  currency: Currency;
  status: 'succeeded';
  reason?: RefundReason;
  created_at: string;
}

interface Entry {
  seq: number;
  payment: Payment;
  refunds: Refund[];
}

export type RefundOutcome =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'not-found' | 'not-refundable' | 'limit-reached' }
  | { ok: false; reason: 'exceeds-remaining'; remaining: number };

export interface Page {
  items: Payment[];
  /** Opaque cursor of the next page; null on the last one. */
  nextCursor: string | null;
}

const CURSOR_PREFIX = 'c1.';

/** Encodes a position in the list; opaque to clients. */
function encodeCursor(seq: number): string {
  return CURSOR_PREFIX + Buffer.from(`seq:${seq}`).toString('base64url');
}

/** The sequence number a cursor points before, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  if (!cursor.startsWith(CURSOR_PREFIX)) return undefined;
  const text = Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8');
  const match = /^seq:(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The in-memory payments of one sandbox: bounded, oldest evicted first, listed newest first. */
export class PaymentStore {
  /** Ascending by seq: the list order is stable whatever the clock does. */
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #seq = 0;
  readonly #max: number;
  readonly #now: () => number;

  constructor(maxPayments: number, now: () => number) {
    this.#max = maxPayments;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Creates a payment; its status follows the sandbox test amounts. */
  create(input: PaymentInput): Payment {
    const status: PaymentStatus =
      input.amount === DECLINED_AMOUNT ? 'failed' : input.amount === PENDING_AMOUNT ? 'pending' : 'succeeded';
    const payment: Payment = {
      id: `pay_${randomBytes(12).toString('hex')}`,
      amount: input.amount,
      currency: input.currency,
      status,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.customer !== undefined ? { customer: input.customer } : {}),
      metadata: input.metadata ?? {},
      refunded_amount: 0,
      created_at: new Date(this.#now()).toISOString(),
    };
    this.#seq += 1;
    const entry = { seq: this.#seq, payment, refunds: [] };
    this.#entries.push(entry);
    this.#byId.set(payment.id, entry);
    while (this.#entries.length > this.#max) {
      const oldest = this.#entries.shift();
      if (oldest) this.#byId.delete(oldest.payment.id);
    }
    return payment;
  }

  get(id: string): Payment | undefined {
    return this.#byId.get(id)?.payment;
  }

  refunds(id: string): Refund[] | undefined {
    return this.#byId.get(id)?.refunds;
  }

  /** A page of payments, newest first, after the cursor's position. */
  list(options: { limit: number; before?: number; status?: PaymentStatus }): Page {
    const items: Payment[] = [];
    let index =
      options.before === undefined ? this.#entries.length - 1 : this.#lastIndexBelow(options.before);
    let lastSeq = 0;
    for (; index >= 0; index--) {
      const entry = this.#entries[index]!;
      if (options.status !== undefined && entry.payment.status !== options.status) continue;
      if (items.length === options.limit) return { items, nextCursor: encodeCursor(lastSeq) };
      items.push(entry.payment);
      lastSeq = entry.seq;
    }
    return { items, nextCursor: null };
  }

  /** Refunds part or all of what remains of a payment. */
  refund(id: string, request: { amount?: number; reason?: RefundReason }): RefundOutcome {
    const entry = this.#byId.get(id);
    if (!entry) return { ok: false, reason: 'not-found' };
    const payment = entry.payment;
    if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') {
      return { ok: false, reason: 'not-refundable' };
    }
    if (entry.refunds.length >= MAX_REFUNDS_PER_PAYMENT) return { ok: false, reason: 'limit-reached' };
    const remaining = payment.amount - payment.refunded_amount;
    const amount = request.amount ?? remaining;
    if (amount > remaining) return { ok: false, reason: 'exceeds-remaining', remaining };
    const refund: Refund = {
      id: `re_${randomBytes(12).toString('hex')}`,
      payment_id: payment.id,
      amount,
      currency: payment.currency,
      status: 'succeeded',
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
      created_at: new Date(this.#now()).toISOString(),
    };
    entry.refunds.push(refund);
    payment.refunded_amount += amount;
    payment.status = payment.refunded_amount === payment.amount ? 'refunded' : 'partially_refunded';
    return { ok: true, refund };
  }

  /** Index of the last entry with seq < bound (binary search; -1 when none). */
  #lastIndexBelow(bound: number): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#entries[mid]!.seq < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
