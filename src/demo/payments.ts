import type { Handler, RouteContext } from './context.js';
import { json, mediaType, problem, type Reply } from './http-io.js';
import { fingerprint } from './idempotency.js';
import type { Payment } from './store.js';
import { parseListQuery, validatePaymentCreate, validateRefundCreate } from './validate.js';

type Parsed = { ok: true; value: unknown } | { ok: false; reply: Reply };

/** Checks the Idempotency-Key header, the media type and the JSON syntax of a create request. */
function parseCreate(ctx: RouteContext): Parsed & { key?: string } {
  const key = ctx.req.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
    return {
      ok: false,
      reply: problem(
        400,
        'idempotency_key_missing',
        'An Idempotency-Key header is required',
        'Send a unique Idempotency-Key (1-255 characters, a UUID is a good choice) and reuse it when retrying.',
      ),
    };
  }
  if (mediaType(ctx.req) !== 'application/json') {
    return {
      ok: false,
      reply: problem(
        415,
        'unsupported_media_type',
        'The body must be JSON',
        'Send Content-Type: application/json.',
      ),
    };
  }
  try {
    return { ok: true, value: JSON.parse(ctx.body) as unknown, key };
  } catch {
    return { ok: false, reply: problem(400, 'invalid_json', 'The body is not valid JSON') };
  }
}

function invalid(errors: { pointer: string; message: string }[]): Reply {
  const count = errors.length === 1 ? '1 field is invalid.' : `${errors.length} fields are invalid.`;
  return problem(422, 'validation_failed', 'The request body is invalid', count, { errors });
}

const notFound = (id: string): Reply =>
  problem(404, 'payment_not_found', 'No such payment', `There is no payment ${id}.`);

const reused = (): Reply =>
  problem(
    422,
    'idempotency_key_reused',
    'The Idempotency-Key was used with a different body',
    'Use a new Idempotency-Key for a different request.',
  );

const inProgress = (): Reply =>
  problem(
    409,
    'idempotency_in_progress',
    'A request with this Idempotency-Key is still being processed',
    'Retry once the first request has finished.',
    { headers: { 'Retry-After': '1' } },
  );

/** A copy of the payment as it is now: replies are serialised later and replays must not change. */
const snapshot = (payment: Payment): Payment => ({ ...payment });

/** POST /payments */
export const createPayment: Handler = async (rt, ctx) => {
  const parsed = parseCreate(ctx);
  if (!parsed.ok) return parsed.reply;
  const key = parsed.key!;
  const valid = validatePaymentCreate(parsed.value);
  if (!valid.ok) return invalid(valid.errors);
  const begin = rt.idempotency.begin('createPayment', key, fingerprint('POST /payments', parsed.value));
  if (begin.kind === 'reused') return reused();
  if (begin.kind === 'in-progress') return inProgress();
  if (begin.kind === 'replay') return withReplayHeader(begin.reply);
  // The delay happens while the key is reserved, so a concurrent retry sees 409 as in production.
  await ctx.pause();
  const payment = rt.payments.create(valid.value);
  const reply: Reply = {
    ...json(201, snapshot(payment), { Location: `/payments/${payment.id}`, 'Idempotency-Key': key }),
    shape: 'payment',
  };
  rt.idempotency.finish('createPayment', key, reply);
  return reply;
};

/** GET /payments/{id} */
export const getPayment: Handler = (rt, ctx) => {
  const id = ctx.params.id!;
  const payment = rt.payments.get(id);
  if (!payment) return notFound(id);
  return { ...json(200, snapshot(payment)), shape: 'payment' };
};

/** GET /payments */
export const listPayments: Handler = (rt, ctx) => {
  const query = parseListQuery(ctx.url.searchParams);
  if (!query.ok) {
    return problem(400, 'invalid_parameter', 'A query parameter is invalid', undefined, {
      errors: query.errors,
    });
  }
  const page = rt.payments.list(query.value);
  return {
    ...json(200, { data: page.items.map(snapshot), next_cursor: page.nextCursor }),
    shape: 'payment-list',
  };
};

/** POST /payments/{id}/refunds */
export const createRefund: Handler = async (rt, ctx) => {
  const id = ctx.params.id!;
  const parsed = parseCreate(ctx);
  if (!parsed.ok) return parsed.reply;
  const key = parsed.key!;
  const valid = validateRefundCreate(parsed.value);
  if (!valid.ok) return invalid(valid.errors);
  if (!rt.payments.get(id)) return notFound(id);
  const begin = rt.idempotency.begin(
    'createRefund',
    key,
    fingerprint(`POST /payments/${id}/refunds`, parsed.value),
  );
  if (begin.kind === 'reused') return reused();
  if (begin.kind === 'in-progress') return inProgress();
  if (begin.kind === 'replay') return withReplayHeader(begin.reply);
  await ctx.pause();
  const outcome = rt.payments.refund(id, valid.value);
  let reply: Reply;
  if (outcome.ok) {
    reply = json(201, { ...outcome.refund }, { 'Idempotency-Key': key });
  } else if (outcome.reason === 'exceeds-remaining') {
    reply = problem(
      422,
      'refund_exceeds_remaining',
      'The refund is larger than what remains',
      `At most ${outcome.remaining} can still be refunded on this payment.`,
    );
  } else if (outcome.reason === 'not-found') {
    reply = notFound(id);
  } else if (outcome.reason === 'limit-reached') {
    reply = problem(409, 'refund_limit_reached', 'The payment has too many refunds', 'At most 100 refunds.');
  } else {
    const status = rt.payments.get(id)?.status ?? 'unknown';
    reply = problem(
      409,
      'payment_not_refundable',
      'The payment cannot be refunded',
      `The payment is ${status}; only succeeded or partially refunded payments can be refunded.`,
    );
  }
  rt.idempotency.finish('createRefund', key, reply);
  return reply;
};

/** GET /payments/{id}/refunds */
export const listRefunds: Handler = (rt, ctx) => {
  const id = ctx.params.id!;
  const refunds = rt.payments.refunds(id);
  if (!refunds) return notFound(id);
  return json(200, { data: refunds.map((r) => ({ ...r })) });
};

function withReplayHeader(reply: Reply): Reply {
  return { ...reply, headers: { ...reply.headers, 'Idempotent-Replayed': 'true' } };
}

/** The `schema-drift` fault: amount as a decimal string, created_at renamed createdAt. */
export function driftPayment(payment: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payment)) {
    if (key === 'amount' && typeof value === 'number') out.amount = (value / 100).toFixed(2);
    else if (key === 'created_at') out.createdAt = value;
    else out[key] = value;
  }
  return out;
}
