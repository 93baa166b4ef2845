import type { FieldError } from './http-io.js';
import {
  CURRENCIES,
  type Currency,
  decodeCursor,
  PAYMENT_STATUSES,
  type PaymentInput,
  type PaymentStatus,
  REFUND_REASONS,
  type RefundReason,
} from './store.js';

/**
 * Hand-written request validation mirroring examples/payments/openapi.yaml (PaymentCreate,
 * RefundCreate, listPayments parameters): the demo must stay dependency-free and fast.
 */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

// The same email pattern as ajv-formats' "full" mode, so whatever we accept validates in responses.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export const MAX_AMOUNT = 99_999_999;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Length in code points, as JSON Schema counts it. */
function length(text: string): number {
  return [...text].length;
}

function unknownFields(body: Record<string, unknown>, known: readonly string[], at: string): FieldError[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => ({
      pointer: `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      message: 'is not a known field',
    }));
}

function checkString(
  value: unknown,
  pointer: string,
  min: number,
  max: number,
  errors: FieldError[],
): boolean {
  if (typeof value !== 'string') {
    errors.push({ pointer, message: 'must be a string' });
    return false;
  }
  const n = length(value);
  if (n < min || n > max) {
    errors.push({ pointer, message: `must be ${min}-${max} characters long` });
    return false;
  }
  return true;
}

function checkCustomer(value: unknown, errors: FieldError[]): void {
  if (!isObject(value)) {
    errors.push({ pointer: '/customer', message: 'must be an object' });
    return;
  }
  errors.push(...unknownFields(value, ['email', 'name'], '/customer'));
  if (value.email === undefined) errors.push({ pointer: '/customer/email', message: 'is required' });
  else if (
    checkString(value.email, '/customer/email', 3, 254, errors) &&
    !EMAIL.test(value.email as string)
  ) {
    errors.push({ pointer: '/customer/email', message: 'must be an email address' });
  }
  if (value.name !== undefined) checkString(value.name, '/customer/name', 1, 200, errors);
}

function checkMetadata(value: unknown, errors: FieldError[]): void {
  if (!isObject(value)) {
    errors.push({ pointer: '/metadata', message: 'must be an object of strings' });
    return;
  }
  const entries = Object.entries(value);
  if (entries.length > 20) errors.push({ pointer: '/metadata', message: 'must have at most 20 keys' });
  for (const [key, item] of entries) {
    const pointer = `/metadata/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const n = length(key);
    if (n < 1 || n > 40) errors.push({ pointer, message: 'keys must be 1-40 characters long' });
    checkString(item, pointer, 0, 500, errors);
  }
}

function checkAmount(value: unknown, errors: FieldError[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.push({ pointer: '/amount', message: 'must be an integer in minor units (1250 for 12.50)' });
  } else if (value < 1 || value > MAX_AMOUNT) {
    errors.push({ pointer: '/amount', message: `must be between 1 and ${MAX_AMOUNT}` });
  }
}

/** Validates a createPayment body. */
export function validatePaymentCreate(body: unknown): Validated<PaymentInput> {
  if (!isObject(body)) return { ok: false, errors: [{ pointer: '', message: 'must be a JSON object' }] };
  const errors = unknownFields(body, ['amount', 'currency', 'description', 'customer', 'metadata'], '');
  if (body.amount === undefined) errors.push({ pointer: '/amount', message: 'is required' });
  else checkAmount(body.amount, errors);
  if (body.currency === undefined) errors.push({ pointer: '/currency', message: 'is required' });
  else if (!CURRENCIES.includes(body.currency as Currency)) {
    errors.push({ pointer: '/currency', message: `must be one of ${CURRENCIES.join(', ')}` });
  }
  if (body.description !== undefined) checkString(body.description, '/description', 0, 255, errors);
  if (body.customer !== undefined) checkCustomer(body.customer, errors);
  if (body.metadata !== undefined) checkMetadata(body.metadata, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: body as unknown as PaymentInput };
}

/** Validates a createRefund body. */
export function validateRefundCreate(body: unknown): Validated<{ amount?: number; reason?: RefundReason }> {
  if (!isObject(body)) return { ok: false, errors: [{ pointer: '', message: 'must be a JSON object' }] };
  const errors = unknownFields(body, ['amount', 'reason'], '');
  if (body.amount !== undefined) checkAmount(body.amount, errors);
  if (body.reason !== undefined && !REFUND_REASONS.includes(body.reason as RefundReason)) {
    errors.push({ pointer: '/reason', message: `must be one of ${REFUND_REASONS.join(', ')}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: body as { amount?: number; reason?: RefundReason } };
}

export interface ListQuery {
  limit: number;
  before?: number;
  status?: PaymentStatus;
}

/** Validates listPayments' query parameters. */
export function parseListQuery(query: URLSearchParams): Validated<ListQuery> {
  const errors: FieldError[] = [];
  const value: ListQuery = { limit: 10 };
  const limit = query.get('limit');
  if (limit !== null) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= 1 && n <= 100)) errors.push({ pointer: 'limit', message: 'must be an integer from 1 to 100' });
    else value.limit = n;
  }
  const cursor = query.get('cursor');
  if (cursor !== null) {
    const before = cursor.length <= 200 ? decodeCursor(cursor) : undefined;
    if (before === undefined)
      errors.push({ pointer: 'cursor', message: 'is not a cursor this API returned' });
    else value.before = before;
  }
  const status = query.get('status');
  if (status !== null) {
    if (!PAYMENT_STATUSES.includes(status as PaymentStatus)) {
      errors.push({ pointer: 'status', message: `must be one of ${PAYMENT_STATUSES.join(', ')}` });
    } else value.status = status as PaymentStatus;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
