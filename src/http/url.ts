import { InputError } from '../core/errors.js';
import type { QueryValue } from './types.js';

const ABSOLUTE = /^https?:\/\//i;

/** A base URL split once, so joining a path per request is string concatenation. */
export interface Base {
  /** "https://host:port", no trailing slash. */
  origin: string;
  /** Path prefix without a trailing slash ("" or "/v1"). */
  prefix: string;
}

/** Splits a base URL; throws InputError for anything but http(s). */
export function parseBase(baseUrl: string): Base {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new InputError('http.invalid-url', `base URL "${baseUrl}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InputError('http.invalid-url', `base URL "${baseUrl}" must use http or https`);
  }
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, '') };
}

/** Absolute request URL: absolute URLs as they are, paths appended to the base URL's path. */
export function joinUrl(base: Base | undefined, url: string): string {
  if (ABSOLUTE.test(url)) return url;
  if (base === undefined) {
    throw new InputError('http.invalid-url', `"${url}" is a relative URL and the client has no base URL`);
  }
  return base.origin + base.prefix + (url.startsWith('/') ? url : `/${url}`);
}

/** Appends query parameters: null/undefined skipped, arrays repeated (`a=1&a=2`). */
export function appendQuery(url: string, query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) return url;
  let qs = '';
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      for (const v of value as readonly (string | number | boolean)[]) {
        qs += `&${key}=${encodeURIComponent(String(v))}`;
      }
    } else qs += `&${key}=${encodeURIComponent(String(value))}`;
  }
  if (qs === '') return url;
  const hash = url.indexOf('#');
  const head = hash < 0 ? url : url.slice(0, hash);
  const sep = head.includes('?') ? (head.endsWith('?') || head.endsWith('&') ? '' : '&') : '?';
  return head + sep + qs.slice(1);
}

/** Origin and path of an absolute URL, the shape undici dispatches. Fragments are never sent. */
export function splitUrl(url: string): { origin: string; path: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError('http.invalid-url', `"${url}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InputError('http.invalid-url', `"${url}" must use http or https`);
  }
  return { origin: u.origin, path: u.pathname + u.search };
}
