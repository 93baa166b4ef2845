/** Headers that belong to one connection, never forwarded nor taken from elsewhere (RFC 9110 section 7.6.1). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** What the HTTP client itself writes besides the hop-by-hop headers: the message's framing and target. */
const CLIENT_WRITES = new Set(['content-length', 'host', 'expect']);

/** An HTTP field name (RFC 9110 token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Whether a header named so may be sent as given (lower-case or not): a valid field name the HTTP layer
 * does not own. A spec's Content-Length or Transfer-Encoding parameter, or one named "" (Notion's), is not.
 */
export function sendableField(name: string): boolean {
  const lower = name.toLowerCase();
  return FIELD_NAME.test(name) && !HOP_BY_HOP.has(lower) && !CLIENT_WRITES.has(lower);
}

/**
 * A value as a header can carry it: line breaks (an example written as a YAML block keeps its last one)
 * become spaces, other control characters go, the ends are trimmed, and characters beyond Latin-1 are
 * percent-encoded (field values are bytes; undici refuses anything else).
 */
export function fieldValue(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
    .trim()
    .replace(/[^\u0000-\u00ff]+/g, (c) => encodeURIComponent(c));
}
