/** The parts of an (already redacted) request a curl line needs. */
export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Headers curl computes itself; copying them would only make the line wrong after an edit. */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'accept-encoding']);
const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** Quotes a word for a POSIX shell. */
export function shellQuote(s: string): string {
  if (s.length > 0 && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command line reproducing the request. Pass a redacted request: this function hides nothing. */
export function toCurl(req: CurlRequest): string {
  const parts = ['curl'];
  const method = req.method.toUpperCase();
  if (method === 'HEAD') parts.push('--head');
  else if (method !== 'GET' || req.body !== undefined) parts.push('-X', method);
  let compressed = false;
  for (const name in req.headers) {
    const lower = name.toLowerCase();
    if (lower === 'accept-encoding') compressed = true;
    if (SKIPPED.has(lower)) continue;
    parts.push('-H', shellQuote(`${name}: ${req.headers[name]}`));
  }
  if (compressed) parts.push('--compressed');
  if (req.body !== undefined) {
    // curl reads a file for "@name" after --data-binary; --data-raw sends the text as it is.
    parts.push(req.body.startsWith('@') ? '--data-raw' : '--data-binary', shellQuote(req.body));
  }
  parts.push(shellQuote(req.url));
  return parts.join(' ');
}
