// The API client: the pasted token, kept in sessionStorage (gone with the tab; no cookies, so no CSRF).

const TOKEN_KEY = 'gangway.token';

/** @typedef {{ name: string, role: 'admin' | 'operator' | 'viewer' | 'partner', partnerId: string | null }} Session */

/** An answer other than 2xx, with the API's error code and message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * What to tell the user about a failure.
 * @param {unknown} error
 */
export function explain(error) {
  if (error instanceof ApiError && error.status === 404) return `Not found: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** @returns {string | null} */
export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** @param {string} token */
export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Calls the API with the stored (or given) token; resolves to the parsed JSON body (undefined for 204).
 * @param {string} method
 * @param {string} path under the site root, e.g. /api/v1/onboardings
 * @param {{ body?: unknown, token?: string, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function call(method, path, options = {}) {
  const token = options.token ?? storedToken();
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
  if (response.status === 204) return undefined;
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'http.error',
      typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`,
    );
  }
  return body;
}

/**
 * GET of an /api/v1 path with query parameters (undefined ones left out).
 * @param {string} path e.g. /onboardings
 * @param {Record<string, string | number | undefined>} [query]
 * @param {AbortSignal} [signal]
 */
export function get(path, query = {}, signal) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.size > 0 ? `?${params}` : '';
  return call('GET', `/api/v1${path}${search}`, signal ? { signal } : {});
}

/**
 * Every page of a cursor-paged listing, up to `max` items.
 * @param {string} path
 * @param {Record<string, string | number | undefined>} query
 * @param {AbortSignal} [signal]
 * @param {number} [max]
 * @returns {Promise<any[]>}
 */
export async function all(path, query, signal, max = 1000) {
  /** @type {any[]} */
  const items = [];
  /** @type {string | undefined} */
  let cursor;
  do {
    const page = await get(path, { ...query, limit: 200, cursor }, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** Who the stored token is; throws ApiError 401 when it is unknown. @returns {Promise<Session>} */
export function session(token = storedToken() ?? '') {
  return call('GET', '/api/v1/session', { token });
}

/**
 * Follows a run's server-sent events. EventSource cannot send an Authorization header, so the stream is
 * read with fetch; a dropped connection resumes after the last event id (a few times).
 * @param {string} runId
 * @param {(type: string, data: any) => void} onEvent
 * @param {AbortSignal} signal
 * @returns {Promise<void>} resolves after the "end" event
 */
export async function followRun(runId, onEvent, signal) {
  let lastId = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${storedToken() ?? ''}` };
    if (lastId) headers['last-event-id'] = lastId;
    const response = await fetch(`/api/v1/runs/${encodeURIComponent(runId)}/events`, {
      headers,
      credentials: 'omit',
      signal,
    });
    if (!response.ok || !response.body) {
      throw new ApiError(
        response.status,
        'stream.failed',
        `the run's event stream answered ${response.status}`,
      );
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (!event) continue;
        if (event.id) lastId = event.id;
        onEvent(event.type, event.data);
        if (event.type === 'end') return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
  }
  throw new ApiError(0, 'stream.dropped', 'the run’s event stream kept dropping');
}

/**
 * One event block of a text/event-stream; undefined for comments and keep-alives.
 * @param {string} block
 * @returns {{ id: string, type: string, data: any } | undefined}
 */
export function parseEvent(block) {
  let id = '';
  let type = 'message';
  /** @type {string[]} */
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  try {
    return { id, type, data: JSON.parse(data.join('\n')) };
  } catch {
    return { id, type, data: data.join('\n') };
  }
}
