/**
 * What a response must not carry: card numbers, keys, tokens, stack traces, SQL errors, debug pages,
 * internal names. Pure functions over text; the caller walks bodies and decides severities.
 */

/** One kind of sensitive content. */
export type LeakKind =
  | 'card-number'
  | 'private-key'
  | 'secret'
  | 'credential-echo'
  | 'token'
  | 'stack-trace'
  | 'sql-error'
  | 'debug-page'
  | 'internal-host'
  | 'private-ip';

/** A match in a string: what it is, a label ("AWS access key"), where, and a masked excerpt. */
export interface Leak {
  kind: LeakKind;
  label: string;
  /** Offset and length of the match in the scanned string. */
  index: number;
  length: number;
  /** Safe to show: never the matched secret itself. */
  excerpt: string;
}

interface Rule {
  kind: LeakKind;
  label: string;
  re: RegExp;
  /** Extra test on the match (Luhn, private range). */
  accept?(match: string): boolean;
  mask(match: string): string;
}

/** Keeps a short, recognisable prefix and the length: enough to find it, not enough to use it. */
export function maskSecret(value: string, keep = 4): string {
  const shown = value.slice(0, Math.min(keep, Math.floor(value.length / 4)));
  return `${shown}${'*'.repeat(Math.min(8, value.length - shown.length))}… (${value.length} chars)`;
}

/** Only the last four digits of a card number, as receipts print it. */
export function maskPan(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** True when the digits pass the Luhn checksum. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Known card prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro) and Luhn. */
function isPan(match: string): boolean {
  const digits = match.replace(/[\s-]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  if (!/^(4|5[1-5]|2[2-7]|3[47]|3[0689]|6(011|5|4[4-9]|2)|35|50|5[6-8])/.test(digits)) return false;
  return luhn(digits);
}

function isPrivateIp(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  if (ip.split('.').some((p) => Number(p) > 255)) return false;
  return (
    a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  );
}

const firstLine = (match: string): string => {
  const line = match.split(/\r?\n/).find((l) => l.trim() !== '') ?? match;
  const trimmed = line.trim();
  return trimmed.length > 100 ? `${trimmed.slice(0, 100)}…` : trimmed;
};

const RULES: Rule[] = [
  {
    kind: 'card-number',
    label: 'card number (PAN)',
    re: /(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])/g,
    accept: isPan,
    mask: maskPan,
  },
  {
    kind: 'private-key',
    label: 'private key',
    re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,10000}?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----)?/g,
    mask: (m) => `${m.slice(0, m.indexOf('KEY') + 3)}----- [key material not shown]`,
  },
  {
    kind: 'secret',
    label: 'AWS access key id',
    re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    mask: (m) => maskSecret(m),
  },
  {
    kind: 'secret',
    label: 'GitHub token',
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g,
    mask: (m) => maskSecret(m),
  },
  {
    kind: 'secret',
    label: 'Slack token',
    re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    mask: (m) => maskSecret(m),
  },
  {
    kind: 'secret',
    label: 'Slack webhook URL',
    re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
    mask: (m) => maskSecret(m, 32),
  },
  {
    kind: 'secret',
    label: 'Stripe secret key',
    re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
    mask: (m) => maskSecret(m, 8),
  },
  {
    kind: 'secret',
    label: 'Google API key',
    re: /\bAIza[0-9A-Za-z_-]{35}\b/g,
    mask: (m) => maskSecret(m),
  },
  {
    kind: 'token',
    label: 'JSON Web Token',
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    mask: (m) => maskSecret(m, 6),
  },
  {
    kind: 'stack-trace',
    label: 'Java stack trace',
    re: /(?:[\w$]+\.)+[\w$]*(?:Exception|Error)(?::[^\n]*)?\s*\n\s*at [\w$.<>]+\([\w$]+\.(?:java|kt|scala):\d+\)|\bat [\w$]+(?:\.[\w$<>]+)+\((?:[\w$]+\.(?:java|kt|scala):\d+|Native Method|Unknown Source)\)/g,
    mask: firstLine,
  },
  {
    kind: 'stack-trace',
    label: 'Python traceback',
    re: /Traceback \(most recent call last\):|File "[^"\n]+\.py", line \d+, in /g,
    mask: firstLine,
  },
  {
    kind: 'stack-trace',
    label: 'Node.js stack trace',
    re: /\bat (?:[\w$.<>[\] ]+ )?\(?(?:\/|[A-Za-z]:\\|node:|file:\/\/)[^)\n]*:\d+:\d+\)?/g,
    mask: firstLine,
  },
  {
    kind: 'stack-trace',
    label: '.NET stack trace',
    re: /\bat [\w.`<>]+\([^)\n]*\) in [^\n]+:line \d+|\bSystem\.(?:[A-Z]\w+\.)*[A-Z]\w*Exception\b/g,
    mask: firstLine,
  },
  {
    kind: 'stack-trace',
    label: 'Go panic',
    re: /goroutine \d+ \[[\w ]+\]:|panic: [^\n]+\n\s*\ngoroutine|\.go:\d+ \+0x[0-9a-f]+/g,
    mask: firstLine,
  },
  {
    kind: 'stack-trace',
    label: 'PHP error',
    re: /PHP (?:Fatal|Parse|Warning) error|(?:Fatal error|Uncaught \w+)[^\n]{0,200} in \/[^\n]+\.php(?: on line |:)\d+|#\d+ \/[^\n(]+\.php\(\d+\)/g,
    mask: firstLine,
  },
  {
    kind: 'sql-error',
    label: 'SQL error',
    re: /SQLSTATE\[|You have an error in your SQL syntax|\bORA-\d{5}\b|\bPG::\w+Error|syntax error at or near "|sqlite3?\.(?:Operational|Programming)Error|SQLITE_ERROR|Unclosed quotation mark after the character string|java\.sql\.SQLException|org\.hibernate\.\w+Exception|\bSequelize\w*Error\b/g,
    mask: firstLine,
  },
  {
    kind: 'debug-page',
    label: 'framework debug page',
    re: /You're seeing this error because you have <code>DEBUG = True<\/code>|Werkzeug Debugger|Whoops, looks like something went wrong|Action Controller: Exception caught|Server Error in '[^']*' Application|Whitelabel Error Page|<title>Error<\/title>\s*<\/head>\s*<body>\s*<pre>[\w]*Error/g,
    mask: firstLine,
  },
  {
    kind: 'private-ip',
    label: 'private IP address',
    re: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g,
    accept: isPrivateIp,
    mask: (m) => m,
  },
  {
    kind: 'internal-host',
    label: 'internal host name',
    re: /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:internal|intranet|corp|lan|local|localdomain|svc\.cluster\.local)\b/gi,
    mask: (m) => m,
  },
];

const ONCE = new Set<LeakKind>(['stack-trace', 'sql-error', 'debug-page']);

/** Finds sensitive content in a string. `secrets` are configured credentials that must never come back. */
export function findLeaks(text: string, secrets: readonly string[] = []): Leak[] {
  const leaks: Leak[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      if (rule.accept && !rule.accept(m[0])) continue;
      // A trace or error page matches once per frame or line: the first match stands for it.
      if (ONCE.has(rule.kind) && leaks.some((l) => l.label === rule.label)) break;
      leaks.push({
        kind: rule.kind,
        label: rule.label,
        index: m.index,
        length: m[0].length,
        excerpt: rule.mask(m[0]),
      });
    }
  }
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    const at = text.indexOf(secret);
    if (at >= 0) {
      leaks.push({
        kind: 'credential-echo',
        label: 'the configured credential',
        index: at,
        length: secret.length,
        excerpt: `${'*'.repeat(8)}… (${secret.length} chars, the credential this check sent)`,
      });
    }
  }
  return leaks;
}
