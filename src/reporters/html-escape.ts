// Controls other than tab/newline/carriage return have no business in a report and some confuse
// parsers; lone surrogates are dropped too so the file is valid UTF-8.
const CONTROL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes untrusted text for HTML element content and quoted attribute values alike. Everything a
 * target sent (bodies, headers, messages) goes through here: it comes from servers we do not trust.
 */
export function esc(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(CONTROL, '')
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Formats a number for tables: integers as is, others with at most three decimals. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(3)));
}

/** Milliseconds for humans in the report (same spirit as the terminal). */
export function ms(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value < 1000) return `${num(value)} ms`;
  return `${num(value / 1000)} s`;
}
