import type { Exchange, Timings } from '../core/result.js';
import type { Redactor } from './redact.js';

const TEXTUAL = /json|text|xml|x-www-form-urlencoded|javascript|yaml|csv|graphql|html/i;

/** A body as evidence: redacted text cut to the evidence limit, or a note for binary content. */
export interface EvidenceBody {
  body?: string;
  bodyTruncated?: boolean;
}

function looksTextual(bytes: Uint8Array, contentType: string | undefined): boolean {
  if (contentType !== undefined) return TEXTUAL.test(contentType);
  const n = Math.min(bytes.length, 1024);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return false;
  return true;
}

/**
 * Redacts first and cuts after, over a window one secret longer than the limit: cutting first could leave the
 * head of a secret that straddles the limit visible.
 */
export function evidenceBody(
  body: string | Uint8Array | undefined,
  contentType: string | undefined,
  limit: number,
  redactor: Redactor,
): EvidenceBody {
  if (body === undefined || body.length === 0) return {};
  let text: string;
  let truncated: boolean;
  const window = limit + redactor.margin + 32;
  if (typeof body === 'string') {
    truncated = body.length > limit;
    text = truncated ? body.slice(0, window) : body;
  } else {
    if (!looksTextual(body, contentType)) {
      return { body: `[${body.length} bytes of ${contentType ?? 'binary data'}]` };
    }
    truncated = body.length > limit;
    text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, window)).toString('utf8');
  }
  text = redactor.text(text);
  if (!truncated) return { body: text };
  return { body: text.slice(0, limit), bodyTruncated: true };
}

/** Everything needed to build an Exchange; kept unredacted in private fields until evidence is asked for. */
export interface ExchangeParts {
  id: string;
  operation: string | undefined;
  startedAt: number;
  traceId: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | Uint8Array | undefined;
  response?: { status: number; headers: Record<string, string>; body?: Buffer };
  timings: Timings;
  error?: { code: string; message: string };
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/** Date#toISOString, with the part up to the second cached: formatting a Date costs more than the rest of it. */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return `${isoPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

/** Builds the redacted Exchange. */
export function buildExchange(parts: ExchangeParts, redactor: Redactor, evidenceBytes: number): Exchange {
  const exchange: Exchange = {
    id: parts.id,
    startedAt: isoTime(parts.startedAt),
    request: {
      method: parts.method,
      url: redactor.url(parts.url),
      headers: redactor.headers(parts.requestHeaders),
      ...evidenceBody(parts.requestBody, parts.requestHeaders['content-type'], evidenceBytes, redactor),
    },
    timings: parts.timings,
    traceId: parts.traceId,
  };
  if (parts.operation !== undefined) exchange.operation = parts.operation;
  const res = parts.response;
  if (res) {
    exchange.response = {
      status: res.status,
      headers: redactor.headers(res.headers),
      ...evidenceBody(res.body, res.headers['content-type'], evidenceBytes, redactor),
      size: res.body?.length ?? 0,
    };
  }
  if (parts.error) exchange.error = { code: parts.error.code, message: redactor.text(parts.error.message) };
  return exchange;
}
