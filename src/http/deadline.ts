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
    signal?.addEventListener('abort', this, { once: true });
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

function expire(d: Deadline): void {
  d.stop(new LimitError('http.timeout', `no complete response within ${d.totalMs} ms (total timeout)`));
}
