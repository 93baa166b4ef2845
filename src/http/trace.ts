import { randomFillSync } from 'node:crypto';

/** W3C trace context of one outgoing request. */
export interface TraceContext {
  /** 32 hex digits; also sent as x-correlation-id. */
  traceId: string;
  /** 16 hex digits: this request's span (the traceparent parent-id). */
  spanId: string;
  /** `00-<traceId>-<spanId>-01`. */
  traceparent: string;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * Random bytes are drawn from a refilled pool: one randomFillSync per 170 requests instead of a syscall each.
 * The pool holds no state worth isolating per client, so one per process is enough.
 */
const POOL = Buffer.allocUnsafe(24 * 170);
let offset = POOL.length;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const hex = POOL.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** A new trace: random trace id and span id, sampled flag set. */
export function newTrace(): TraceContext {
  let traceId = randomHex(16);
  while (traceId === ZERO_TRACE) traceId = randomHex(16);
  return childSpan(traceId);
}

/** A new span in an existing trace (e.g. the next hop of a redirect). */
export function childSpan(traceId: string): TraceContext {
  let spanId = randomHex(8);
  while (spanId === ZERO_SPAN) spanId = randomHex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Trace and span ids of a traceparent header, or undefined when it is not valid W3C. */
export function parseTraceparent(value: string): { traceId: string; spanId: string } | undefined {
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]! };
}
