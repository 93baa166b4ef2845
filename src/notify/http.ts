import type { Dispatcher } from 'undici';
import { guardedAgent } from '../http/address-guard.js';
import { getGlobalDispatcher } from '../http/undici.js';
import { networkError, parseRetryAfter, statusError } from './errors.js';
import type { DeliveryContext } from './types.js';

const DEFAULT_TIMEOUT_MS = 15_000;
// Receivers' answers are small (an id, an error); more is not read.
const MAX_ANSWER_BYTES = 256 * 1024;

/** One request a notifier sends. */
export interface NotifyRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** Sent as is when a string, else as JSON. */
  body?: unknown;
  /** Names the request in errors without secrets, e.g. "slack webhook (hooks.slack.com)". */
  what: string;
  /** Values to scrub from anything that could reach an error. */
  secrets: readonly string[];
}

/** A 2xx answer. */
export interface NotifyAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, undefined when it is not JSON. */
  json: unknown;
}

/**
 * Sends one request through the caller's dispatcher (or a guarded agent, or undici's default) and
 * returns a 2xx answer; anything else throws DeliveryError (retryable for network errors, 5xx, 408, 429).
 */
export async function send(ctx: DeliveryContext, req: NotifyRequest): Promise<NotifyAnswer> {
  const http = ctx.http ?? {};
  const own =
    http.dispatcher === undefined && http.lookup !== undefined ? guardedAgent(http.lookup) : undefined;
  const dispatcher: Dispatcher | undefined = http.dispatcher ?? own;
  const timeout = AbortSignal.timeout(http.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const body = req.body === undefined || typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = {
    'user-agent': http.userAgent ?? 'gangway',
    accept: 'application/json',
    ...(body !== undefined && typeof req.body !== 'string' && { 'content-type': 'application/json' }),
    ...req.headers,
  };
  try {
    const url = new URL(req.url);
    // undici's request follows no redirect: a receiver cannot bounce a signed payload elsewhere.
    const res = await (dispatcher ?? getGlobalDispatcher()).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers,
      ...(body !== undefined && { body }),
      signal,
    });
    const text = await readText(res.body);
    if (res.statusCode < 200 || res.statusCode > 299) {
      const retryAfter = header(res.headers, 'retry-after');
      throw statusError(req.what, res.statusCode, text, parseRetryAfter(retryAfter, ctx.now()), req.secrets);
    }
    return { status: res.statusCode, headers: res.headers, text, json: parseJson(text) };
  } catch (error) {
    if (timeout.aborted && !ctx.signal.aborted) {
      throw networkError(
        req.what,
        new Error(`no answer within ${http.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`),
        [],
      );
    }
    throw networkError(req.what, error, req.secrets);
  } finally {
    await own?.close().catch(() => undefined);
  }
}

/** "name (host)" for error messages: never the path, which holds the token of Slack and Teams webhooks. */
export function describeUrl(name: string, url: string): string {
  return URL.canParse(url) ? `${name} (${new URL(url).host})` : name;
}

/** A base URL without its trailing slash, joined with a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
