import type { Exchange, Finding, Severity } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import { findLeaks, type Leak, type LeakKind } from './patterns.js';

const SEVERITY: Record<LeakKind, Severity> = {
  'card-number': 'error',
  'private-key': 'error',
  secret: 'error',
  'credential-echo': 'error',
  token: 'warning',
  'stack-trace': 'error',
  'sql-error': 'error',
  'debug-page': 'error',
  'internal-host': 'warning',
  'private-ip': 'warning',
};

/** Verbose errors are their own family ("errors.*"); the rest are data leaks ("sensitive.*"). */
const CODE: Record<LeakKind, string> = {
  'card-number': 'sensitive.card-number',
  'private-key': 'sensitive.private-key',
  secret: 'sensitive.secret',
  'credential-echo': 'sensitive.credential-echo',
  token: 'sensitive.token',
  'stack-trace': 'errors.stack-trace',
  'sql-error': 'errors.sql',
  'debug-page': 'errors.debug-page',
  'internal-host': 'sensitive.internal-host',
  'private-ip': 'sensitive.private-ip',
};

const HINT: Record<LeakKind, string> = {
  'card-number': 'Never return full card numbers: return a token or the last four digits (PCI DSS 3.4).',
  'private-key': 'Remove the key from the response and rotate it: it must be considered compromised.',
  secret: 'Remove the secret from the response and rotate it: it must be considered compromised.',
  'credential-echo':
    'Never send a client its own credential back (or any credential): drop it from the response.',
  token: 'Return tokens only from the endpoints that issue them, to the client that asked.',
  'stack-trace':
    'Return a generic error body (e.g. RFC 9457 problem+json) and log the stack trace on the server only.',
  'sql-error': 'Catch database errors and return a generic error; never pass SQL messages to clients.',
  'debug-page': 'Turn off debug mode in this environment; debug pages disclose code, settings and secrets.',
  'internal-host': 'Do not expose internal host names: they map the network for an attacker.',
  'private-ip': 'Do not expose private addresses: they map the network for an attacker.',
};

const SKIP_HEADERS = new Set([
  'date',
  'set-cookie',
  'content-length',
  'etag',
  'traceparent',
  'x-correlation-id',
]);
const MAX_SCAN = 1024 * 1024;
const MAX_STRINGS = 20_000;

/** A leak found in a response, with the JSON pointer (or header) where it sits. */
export interface Located {
  leak: Leak;
  pointer: string;
  /** The matched text, kept only to mask the evidence: never reported. */
  raw: string;
}

/** What to look for and what to ignore: the credentials sent, and the target's own host names. */
export interface ScanContext {
  secrets: readonly string[];
  ownHosts: ReadonlySet<string>;
  /** Tokens are expected from operations that issue them. */
  issuesTokens: boolean;
  /** What the request carried (URL, query, body): data the API only echoes back is not a leak of its own. */
  sent?: string;
}

/** Kinds that are data: when the request carried the same text, the answer only reflects the input. */
const REFLECTABLE = new Set<LeakKind>(['card-number', 'internal-host', 'private-ip', 'token']);

/** Finds sensitive content in a response's headers and body (each string value of a JSON body on its own). */
export function scanResponse(res: HttpResponse, scan: ScanContext): Located[] {
  const found: Located[] = [];
  const seen = new Set<string>();
  const add = (text: string, pointer: string) => {
    for (const leak of findLeaks(text, scan.secrets)) {
      // A stack trace matches once per frame: one finding per kind and place is enough.
      const key = `${leak.kind}\u0000${pointer}`;
      if (seen.has(key)) continue;
      const raw = text.slice(leak.index, leak.index + leak.length);
      if (
        (leak.kind === 'private-ip' || leak.kind === 'internal-host') &&
        scan.ownHosts.has(raw.toLowerCase())
      )
        continue;
      if (leak.kind === 'token' && (scan.issuesTokens || /token|jwt|session|assertion/i.test(pointer)))
        continue;
      if (REFLECTABLE.has(leak.kind) && scan.sent?.includes(raw)) continue;
      seen.add(key);
      found.push({ leak, pointer, raw });
    }
  };
  for (const [name, value] of Object.entries(res.headers)) {
    if (!SKIP_HEADERS.has(name)) add(value, `header:${name}`);
  }
  const text = res.body.length > MAX_SCAN ? res.body.subarray(0, MAX_SCAN).toString('utf8') : res.text();
  if (text === '') return found;
  let json: unknown;
  let parsed = false;
  if (/json/i.test(res.contentType ?? '') || /^\s*[{[]/.test(text)) {
    try {
      json = JSON.parse(text);
      parsed = true;
    } catch {
      // Not JSON after all: scanned as text below.
    }
  }
  if (!parsed) {
    add(text, '');
    return found;
  }
  let budget = MAX_STRINGS;
  const walk = (value: unknown, pointer: string): void => {
    if (budget-- <= 0) return;
    if (typeof value === 'string') add(value, pointer);
    else if (typeof value === 'number' && Number.isInteger(value) && value > 1e12)
      add(String(value), pointer);
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${pointer}/${i}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(json, '');
  return found;
}

/** The finding for one located leak. */
export function leakFinding(located: Located, operation: string, res: HttpResponse): Finding {
  const { leak, pointer } = located;
  const where = pointer.startsWith('header:') ? `header ${pointer.slice(7)}` : `body at ${pointer || '/'}`;
  return {
    code: CODE[leak.kind],
    severity: SEVERITY[leak.kind],
    message: `${operation} returned a ${leak.label} (${res.status}, ${where}): ${leak.excerpt}`,
    operation,
    pointer,
    expected: `no ${leak.label} in responses`,
    actual: leak.excerpt,
    hint: HINT[leak.kind],
    curl: res.curl,
  };
}

/** A copy of the exchange whose response no longer holds what was found in it. */
export function maskedExchange(exchange: Exchange, located: readonly Located[]): Exchange {
  const response = exchange.response;
  if (!response) return exchange;
  const hide = located.filter((l) => l.leak.kind !== 'private-ip' && l.leak.kind !== 'internal-host');
  if (hide.length === 0) return exchange;
  const mask = (text: string): string => {
    let out = text;
    for (const l of hide) {
      const shown = `[${l.leak.label}: ${l.leak.excerpt}]`;
      // In a JSON body the match appears escaped (a private key's newlines as \n).
      const escaped = JSON.stringify(l.raw).slice(1, -1);
      out = out.split(l.raw).join(shown).split(escaped).join(shown);
      if (l.leak.kind === 'card-number') out = out.split(l.raw.replace(/[\s-]/g, '')).join(shown);
    }
    return out;
  };
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, mask(v)]));
  return {
    ...exchange,
    response: { ...response, headers, ...(response.body !== undefined && { body: mask(response.body) }) },
  };
}
