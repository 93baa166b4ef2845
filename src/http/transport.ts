import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { LimitError } from './errors.js';

/** One request on the wire (no redirects, no decoding). */
export interface Hop {
  origin: string;
  path: string;
  method: string;
  /** traceparent must be the first key: the timing channel finds the request by it. */
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  headersTimeout: number;
  bodyTimeout: number;
  maxBodyBytes: number;
}

/** What came back for one hop. */
export interface HopResult {
  status: number;
  /** Lower-case names; repeats joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  /** Body as received (still content-encoded). */
  body: Buffer;
  /** performance.now() when the response headers arrived. */
  headersAt: number;
}

/** Raised when a hop fails; `response` is set when headers had arrived. */
export class HopError extends Error {
  constructor(
    readonly reason: unknown,
    readonly response: { status: number; headers: Record<string, string> } | undefined,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A minimal undici handler that buffers the body and enforces the size limit as data arrives. Cheaper than
 * undici's request(): no stream per response, and an abort reaches the socket at once.
 */
export class HopHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #pendingAbort: Error | undefined;
  #settled = false;
  #status = 0;
  #headers: Record<string, string> | undefined;
  #headersAt = 0;
  #chunks: Buffer[] = [];
  #bytes = 0;
  readonly #max: number;
  readonly #resolve: (r: HopResult) => void;
  readonly #reject: (e: HopError) => void;

  constructor(max: number, resolve: (r: HopResult) => void, reject: (e: HopError) => void) {
    this.#max = max;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Stops the hop (timeout, cancel): rejects now, and tears the request down as soon as undici lets us. */
  abort(reason: Error): void {
    if (this.#settled) return;
    this.#fail(reason);
    if (this.#controller) this.#controller.abort(reason);
    else this.#pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#pendingAbort) controller.abort(this.#pendingAbort);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.#headersAt = performance.now();
    this.#status = status;
    this.#headers = flattenHeaders(headers);
    const length = this.#headers['content-length'];
    if (length !== undefined && Number(length) > this.#max) {
      this.#limit(controller, `the response body is ${length} bytes, more than the ${this.#max}-byte limit`);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#max) {
      this.#limit(controller, `the response body exceeded the ${this.#max}-byte limit`);
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    const chunks = this.#chunks;
    const body =
      chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bytes);
    this.#resolve({ status: this.#status, headers: this.#headers ?? {}, body, headersAt: this.#headersAt });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
  }

  #limit(controller: Dispatcher.DispatchController, message: string): void {
    const err = new LimitError('http.body-too-large', message);
    this.#fail(err);
    controller.abort(err);
  }

  #fail(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    const response = this.#headers ? { status: this.#status, headers: this.#headers } : undefined;
    this.#reject(new HopError(reason, response));
  }
}

/** undici's parsed headers with repeats joined the way HttpResponse promises. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : value.join(key === 'set-cookie' ? '\n' : ', ');
  }
  return out;
}

/** Sends one hop through the dispatcher; `owner` receives the handler so it can abort it. */
export function sendHop(
  dispatcher: Dispatcher,
  hop: Hop,
  owner: { attach(handler: HopHandler): void },
): Promise<HopResult> {
  return new Promise<HopResult>((resolve, reject) => {
    const handler = new HopHandler(hop.maxBodyBytes, resolve, reject);
    owner.attach(handler);
    dispatcher.dispatch(
      {
        origin: hop.origin,
        path: hop.path,
        method: hop.method as Dispatcher.HttpMethod,
        headers: hop.headers,
        body: hop.body ?? null,
        headersTimeout: hop.headersTimeout,
        bodyTimeout: hop.bodyTimeout,
      },
      handler,
    );
  });
}
