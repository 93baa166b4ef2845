import type { IncomingMessage } from 'node:http';
import type { TokenIssuer } from './auth.js';
import type { FaultState } from './faults.js';
import type { Reply } from './http-io.js';
import type { IdempotencyStore } from './idempotency.js';
import type { RateLimiter } from './rate-limit.js';
import type { PaymentStore } from './store.js';

/** Counters a drill or a test reads to see what the sandbox went through. */
export interface SandboxStats {
  requests: number;
  /** By operationId; "admin" and "unmatched" for the rest. */
  byOperation: Record<string, number>;
  /** By status code. */
  byStatus: Record<string, number>;
  tokensIssued: number;
  payments: number;
  idempotentReplays: number;
  rateLimited: number;
  /** Responses a fault changed (500s, 503s, delays, drifted bodies, refused tokens). */
  faultsInjected: number;
}

/** The parts of one sandbox instance that routes use; built once in startSandbox. */
export interface SandboxRuntime {
  faults: FaultState;
  issuer: TokenIssuer;
  limiter: RateLimiter;
  payments: PaymentStore;
  idempotency: IdempotencyStore;
  stats: SandboxStats;
  version: string;
  maxBodyBytes: number;
  now(): number;
  /** Waits ms; cancelled (never resolves) when the sandbox closes. */
  sleep(ms: number): Promise<void>;
}

/** One request as a route sees it. */
export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  /** Path parameters, e.g. id. */
  params: Record<string, string>;
  /** Raw body of POST requests (already size-checked). */
  body: string;
  /** Applies the `slow` delay once; the router calls it after the route when the route did not. */
  pause(): Promise<void>;
}

export type Handler = (rt: SandboxRuntime, ctx: RouteContext) => Reply | Promise<Reply>;
