import { getMaxListeners, setMaxListeners } from 'node:events';
import { CancelledError } from '../core/errors.js';
import { LimitError } from './errors.js';
import type { HopHandler } from './transport.js';

/** Per-request cancellation: the total timeout and the caller's signal both stop the hop in flight. */
export class Deadline {
  reason: Error | undefined;
  handler: HopHandler | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #signal: AbortSignal | undefined;

  constructor(
    readonly totalMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.#timer = setTimeout(expire, totalMs, this);
    this.#signal = signal;
    if (signal !== undefined) {
      if (!raised.has(signal)) allowInFlight(signal);
      signal.addEventListener('abort', this, { once: true });
    }
  }

  /** The caller's signal fired (EventListener object form). */
  handleEvent(): void {
    this.stop(new CancelledError());
  }

  stop(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.handler?.abort(reason);
  }

  /** Called with each hop's handler. */
  attach(handler: HopHandler): void {
    this.handler = handler;
    if (this.reason) handler.abort(this.reason);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this);
  }
}

/**
 * Requests in flight on one caller's signal each listen to it until they end, so a check sending more
 * than ten at once (`--concurrency 16`) made Node warn of a listener leak. The signal's limit is raised
 * once to what one client may have in flight; a real leak still warns past it.
 */
const IN_FLIGHT_LIMIT = 10_000;
const raised = new WeakSet<AbortSignal>();

function allowInFlight(signal: AbortSignal): void {
  raised.add(signal);
  if (getMaxListeners(signal) < IN_FLIGHT_LIMIT) setMaxListeners(IN_FLIGHT_LIMIT, signal);
}

function expire(d: Deadline): void {
  d.stop(new LimitError('http.timeout', `no complete response within ${d.totalMs} ms (total timeout)`));
}
