import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

// Fault definitions: the zod schema (validation, docs, the resilience check's options) and the normalised form the
// proxy applies. Durations are kept as text or milliseconds in the schema, without transforms, so the JSON Schema
// generated for docs describes what users write.

const DURATION = /^\d+(\.\d+)?\s*(us|µs|ms|s|m|h)$/;

const ms = z
  .union([
    z.number().min(0).max(3_600_000),
    z.string().regex(DURATION, 'expected a duration such as 200ms or 2s'),
  ])
  .describe('Milliseconds, or a duration such as 200ms or 2s.');

const common = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (at most 64)')
    .optional()
    .describe('Name of the fault, to remove it later (default: generated).'),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'an HTTP method such as GET')
    .optional()
    .describe('Only requests with this method.'),
  path: z
    .string()
    .startsWith('/', 'a path starting with /')
    .optional()
    .describe('Only this path: a template (/payments/{id}) or a prefix ending in * (/payments/*).'),
  operation: z
    .string()
    .min(1)
    .optional()
    .describe('Only this operation: operationId or "METHOD /path" of the spec (needs a spec).'),
  rate: z
    .union([z.number().min(0).max(1), z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage such as 20%')])
    .optional()
    .describe('Share of matching requests (or connections) faulted, 0..1 or "20%" (default: all).'),
  first: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Apply to at most this many requests (the first N chosen), then stop.'),
};

const phase = z
  .enum(['request', 'response'])
  .default('request')
  .describe('request: before the upstream sees it; response: after the upstream answered (it did the work).');

/** One fault as users write it (JSON, YAML, the control API). */
export const faultSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({ ...common, type: z.literal('latency'), latency: ms, jitter: ms.optional() })
      .describe('Delays the request by latency ± jitter before it reaches the upstream (TCP: every chunk).'),
    z
      .strictObject({
        ...common,
        type: z.literal('bandwidth'),
        bytesPerSecond: z.number().int().min(1).describe('Rate of the response body (TCP: both directions).'),
      })
      .describe('Limits the bandwidth of the answer.'),
    z
      .strictObject({ ...common, type: z.literal('slow-headers'), delay: ms })
      .describe('Holds the response head this long after the upstream answered (time to first byte).'),
    z
      .strictObject({
        ...common,
        type: z.literal('slow-body'),
        chunkBytes: z.number().int().min(1).default(16).describe('Bytes per drip.'),
        interval: ms.default(100),
      })
      .describe('Drips the response body: chunkBytes every interval.'),
    z
      .strictObject({
        ...common,
        type: z.literal('truncate'),
        afterBytes: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Bytes of the body sent before the connection is cut (default: half).'),
      })
      .describe('Sends the head with the full Content-Length, part of the body, then cuts the connection.'),
    z
      .strictObject({ ...common, type: z.literal('reset'), phase })
      .describe('Resets the connection (TCP RST).'),
    z
      .strictObject({ ...common, type: z.literal('blackhole'), phase })
      .describe('Accepts the request and never answers (until the client gives up).'),
    z
      .strictObject({
        ...common,
        type: z.literal('status'),
        status: z.number().int().min(400).max(599).describe('Status answered, e.g. 429, 500, 502, 503.'),
        retryAfter: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Retry-After in seconds (default 1 for 429 and 503).'),
        body: z.unknown().optional().describe('JSON body answered (default: a problem+json object).'),
      })
      .describe('Answers this status without calling the upstream.'),
    z
      .strictObject({ ...common, type: z.literal('malformed') })
      .describe("Corrupts the upstream's body (cut JSON plus garbage), same status and headers."),
  ])
  .describe('A fault: type plus its parameters, where it applies (method, path, operation) and how often.');

export type FaultInput = z.input<typeof faultSchema>;
export type FaultDefinition = z.output<typeof faultSchema>;
export type FaultType = FaultDefinition['type'];

export const FAULT_TYPES: readonly FaultType[] = [
  'latency',
  'bandwidth',
  'slow-headers',
  'slow-body',
  'truncate',
  'reset',
  'blackhole',
  'status',
  'malformed',
];

/** The fault types a TCP proxy can apply (it sees bytes, not requests). */
export const TCP_FAULT_TYPES: ReadonlySet<FaultType> = new Set([
  'latency',
  'bandwidth',
  'reset',
  'blackhole',
]);

/** What a fault does, with durations in milliseconds. */
export type FaultAction =
  | { type: 'latency'; latencyMs: number; jitterMs: number }
  | { type: 'bandwidth'; bytesPerSecond: number }
  | { type: 'slow-headers'; delayMs: number }
  | { type: 'slow-body'; chunkBytes: number; intervalMs: number }
  | { type: 'truncate'; afterBytes?: number }
  | { type: 'reset'; phase: 'request' | 'response' }
  | { type: 'blackhole'; phase: 'request' | 'response' }
  | { type: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { type: 'malformed' };

/** A validated fault, ready to apply: where, how often, what. */
export interface Fault {
  id: string;
  method?: string;
  path?: string;
  operation?: string;
  /** 0..1 */
  rate: number;
  first?: number;
  action: FaultAction;
  /** The definition as given (with its id), for listing. */
  definition: FaultDefinition;
}

/** Turns a validated definition into the form the proxy applies. */
export function normalizeFault(def: FaultDefinition, id: string): Fault {
  const rate =
    def.rate === undefined
      ? 1
      : typeof def.rate === 'number'
        ? def.rate
        : Number(def.rate.slice(0, -1)) / 100;
  const fault: Fault = {
    id,
    rate: Math.min(1, rate),
    action: actionOf(def),
    definition: { ...def, id },
  };
  if (def.method !== undefined) fault.method = def.method.toUpperCase();
  if (def.path !== undefined) fault.path = def.path;
  if (def.operation !== undefined) fault.operation = def.operation;
  if (def.first !== undefined) fault.first = def.first;
  return fault;
}

function toMs(value: number | string): number {
  return typeof value === 'number' ? value : parseDuration(value);
}

function actionOf(def: FaultDefinition): FaultAction {
  switch (def.type) {
    case 'latency':
      return {
        type: 'latency',
        latencyMs: toMs(def.latency),
        jitterMs: def.jitter === undefined ? 0 : toMs(def.jitter),
      };
    case 'bandwidth':
      return { type: 'bandwidth', bytesPerSecond: def.bytesPerSecond };
    case 'slow-headers':
      return { type: 'slow-headers', delayMs: toMs(def.delay) };
    case 'slow-body':
      return { type: 'slow-body', chunkBytes: def.chunkBytes, intervalMs: toMs(def.interval) };
    case 'truncate':
      return def.afterBytes === undefined
        ? { type: 'truncate' }
        : { type: 'truncate', afterBytes: def.afterBytes };
    case 'reset':
    case 'blackhole':
      return { type: def.type, phase: def.phase };
    case 'status': {
      const retryAfter = def.retryAfter ?? (def.status === 429 || def.status === 503 ? 1 : undefined);
      return {
        type: 'status',
        status: def.status,
        ...(retryAfter !== undefined && { retryAfter }),
        ...(def.body !== undefined && { body: def.body }),
      };
    }
    case 'malformed':
      return { type: 'malformed' };
  }
}
