import type { Exchange, Timings } from '../core/result.js';
import { toCurl } from './curl.js';
import { HttpError } from './errors.js';
import { buildExchange, type ExchangeParts } from './exchange.js';
import type { Redactor } from './redact.js';
import type { HttpResponse } from './types.js';

const UNSET = Symbol('unset');

/**
 * A received response. Evidence (exchange, curl) is redacted on first access and cached: a load test that never
 * looks at it pays nothing, and a check that does pays once. Unredacted parts live in private fields, which
 * neither JSON.stringify nor util.inspect reveal.
 */
export class ClientResponse implements HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly timings: Timings;
  readonly #parts: ExchangeParts;
  readonly #redactor: Redactor;
  readonly #evidenceBytes: number;
  #text: string | undefined;
  #json: unknown = UNSET;
  #exchange: Exchange | undefined;
  #curl: string | undefined;

  constructor(parts: ExchangeParts, body: Buffer, redactor: Redactor, evidenceBytes: number) {
    const res = parts.response!;
    this.status = res.status;
    this.headers = res.headers;
    this.body = body;
    this.timings = parts.timings;
    this.#parts = parts;
    this.#redactor = redactor;
    this.#evidenceBytes = evidenceBytes;
  }

  get contentType(): string | undefined {
    return this.headers['content-type'];
  }

  /** Body decoded as UTF-8 (cached). */
  text(): string {
    if (this.#text === undefined) this.#text = this.body.toString('utf8');
    return this.#text;
  }

  /** Parsed JSON body (cached); throws HttpError "http.invalid-json" when the body is not JSON. */
  json(): unknown {
    if (this.#json !== UNSET) return this.#json;
    try {
      this.#json = JSON.parse(this.text());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const type = this.contentType ?? 'no content-type';
      throw new HttpError(
        'http.invalid-json',
        `the response body is not valid JSON (${type}, ${this.body.length} bytes): ${this.#redactor.text(reason)}`,
        this.exchange,
      );
    }
    return this.#json;
  }

  get exchange(): Exchange {
    if (this.#exchange === undefined) {
      this.#exchange = buildExchange(this.#parts, this.#redactor, this.#evidenceBytes);
    }
    return this.#exchange;
  }

  get curl(): string {
    if (this.#curl === undefined) this.#curl = curlOf(this.exchange);
    return this.#curl;
  }

  /** What JSON.stringify sees: the public shape with evidence, never the unredacted parts. */
  toJSON(): Record<string, unknown> {
    return { status: this.status, headers: this.#redactor.headers(this.headers), exchange: this.exchange };
  }
}

/** curl line of a (redacted) exchange. */
export function curlOf(exchange: Exchange): string {
  const { method, url, headers, body } = exchange.request;
  return toCurl(body === undefined ? { method, url, headers } : { method, url, headers, body });
}
