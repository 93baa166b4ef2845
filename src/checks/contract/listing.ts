import type { Finding } from '../../core/result.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';

const PAGING =
  /^(limit|page|page_?size|per_?page|size|offset|cursor|starting_after|after|before|page_?token)$/i;
const LIST_KEYS = ['data', 'items', 'results', 'records', 'entries', 'content', 'values'];

/** The id a create response carries, when it has one. */
export function createdId(body: unknown): string | number | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const id = (body as Record<string, unknown>).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The items of a list response (the body itself, or its first list-like array property). */
export function listItems(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body === null || typeof body !== 'object') return undefined;
  const object = body as Record<string, unknown>;
  for (const key of LIST_KEYS) if (Array.isArray(object[key])) return object[key] as unknown[];
  return undefined;
}

/**
 * True when the response is the whole collection: no filter but paging was sent, and the page says
 * it is the last (no next cursor or link, has_more false) or holds fewer items than the limit asked.
 */
export function isWholeCollection(
  request: HttpRequest,
  res: HttpResponse,
  body: unknown,
  items: unknown[],
): boolean {
  const query = Object.keys(request.query ?? {});
  if (query.some((k) => !PAGING.test(k))) return false;
  if (/rel="?next"?/i.test(res.headers.link ?? '')) return false;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of [
      'next',
      'next_cursor',
      'nextCursor',
      'next_page',
      'nextPageToken',
      'next_page_token',
    ]) {
      if (b[key] !== undefined && b[key] !== null && b[key] !== '') return false;
    }
    if (b.has_more === true || b.hasMore === true) return false;
    if (b.has_more === false || b.hasMore === false || 'next_cursor' in b || 'next' in b) return true;
  }
  const limit = Number(
    request.query?.limit ?? request.query?.per_page ?? request.query?.page_size ?? Number.NaN,
  );
  return Number.isFinite(limit) && items.length < limit;
}

/** Finding when a resource created in this run is missing from a complete listing of its collection. */
export function missingFromList(
  op: Operation,
  created: readonly (string | number)[],
  items: unknown[],
  res: HttpResponse,
): Finding | undefined {
  const listed = new Set(
    items.map((item) =>
      item !== null && typeof item === 'object' ? (item as Record<string, unknown>).id : undefined,
    ),
  );
  const missing = created.filter((id) => !listed.has(id));
  if (missing.length === 0) return undefined;
  return {
    code: 'stateful.created-not-listed',
    severity: 'error',
    message: `${op.id} lists the whole collection but leaves out ${missing.length} resource(s) this run created: ${missing.slice(0, 3).join(', ')}`,
    operation: op.id,
    pointer: '',
    expected: `items with id ${missing.slice(0, 3).join(', ')}`,
    actual: `${items.length} item(s) without them`,
    hint: 'A list must contain what was created in it (or the spec should document the filter or eventual consistency).',
    curl: res.curl,
  };
}
