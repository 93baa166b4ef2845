import type { Finding, Severity } from '../../core/result.js';
import type { SecuritySession, Sent } from './session.js';

/** Six months, the least HSTS max-age that browsers' preload lists and most audits accept. */
export const HSTS_MIN_SECONDS = 15_552_000;

interface Rule {
  code: string;
  severity: Severity;
  header: string;
  expected: string;
  hint: string;
  /** Why the response fails the rule (the actual value shown), or undefined when it passes. */
  fails(headers: Record<string, string>, sent: Sent, authenticated: boolean): string | undefined;
  httpsOnly?: boolean;
}

const RULES: Rule[] = [
  {
    code: 'headers.hsts-missing',
    severity: 'error',
    header: 'strict-transport-security',
    expected: `Strict-Transport-Security: max-age=${HSTS_MIN_SECONDS} (or more)`,
    hint: `Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response.`,
    httpsOnly: true,
    fails: (h) => (h['strict-transport-security'] === undefined ? 'absent' : undefined),
  },
  {
    code: 'headers.hsts-short',
    severity: 'warning',
    header: 'strict-transport-security',
    expected: `max-age ≥ ${HSTS_MIN_SECONDS} s (6 months)`,
    hint: 'Raise the HSTS max-age to at least six months (a year is usual).',
    httpsOnly: true,
    fails: (h) => {
      const value = h['strict-transport-security'];
      if (value === undefined) return undefined;
      const age = /max-age\s*=\s*"?(\d+)/i.exec(value);
      return age && Number(age[1]) >= HSTS_MIN_SECONDS ? undefined : value;
    },
  },
  {
    code: 'headers.nosniff-missing',
    severity: 'warning',
    header: 'x-content-type-options',
    expected: 'X-Content-Type-Options: nosniff',
    hint: 'Send X-Content-Type-Options: nosniff so browsers do not guess content types.',
    fails: (h) =>
      /^\s*nosniff\s*$/i.test(h['x-content-type-options'] ?? '')
        ? undefined
        : (h['x-content-type-options'] ?? 'absent'),
  },
  {
    code: 'headers.cache-control',
    severity: 'warning',
    header: 'cache-control',
    expected: 'Cache-Control: no-store on authenticated responses',
    hint: 'Send Cache-Control: no-store on responses to authenticated requests, so no cache keeps them.',
    fails: (h, sent, authenticated) =>
      !authenticated || sent.request.auth === false || /\bno-store\b/i.test(h['cache-control'] ?? '')
        ? undefined
        : (h['cache-control'] ?? 'absent'),
  },
  {
    code: 'headers.frame-options',
    severity: 'info',
    header: 'x-frame-options',
    expected: 'X-Frame-Options: DENY (or CSP frame-ancestors)',
    hint: "Send X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none'.",
    fails: (h) =>
      h['x-frame-options'] !== undefined || /frame-ancestors/i.test(h['content-security-policy'] ?? '')
        ? undefined
        : 'absent',
  },
  {
    code: 'headers.csp',
    severity: 'info',
    header: 'content-security-policy',
    expected: "Content-Security-Policy (for an API: default-src 'none'; frame-ancestors 'none')",
    hint: "Send Content-Security-Policy: default-src 'none'; frame-ancestors 'none' on API responses.",
    fails: (h) => (h['content-security-policy'] === undefined ? 'absent' : undefined),
  },
];

/**
 * Judges the security headers of the baseline's successful answers. Headers are usually set in one
 * place for a whole host, so each rule gives one finding: on the first operation that breaks it, with
 * the count of those that do.
 */
export function judgeHeaders(session: SecuritySession): void {
  const answered = session.baseline.filter((s) => s.response.status >= 200 && s.response.status < 400);
  const authenticated = session.env.auth.type !== 'none' || session.env.headerNames.length > 0;
  for (const rule of RULES) {
    if (rule.httpsOnly && !session.https) continue;
    let first: { sent: Sent; actual: string } | undefined;
    let count = 0;
    for (const sent of answered) {
      const actual = rule.fails(sent.response.headers, sent, authenticated);
      if (actual === undefined) continue;
      count += 1;
      first ??= { sent, actual };
    }
    if (!first) continue;
    const { sent, actual } = first;
    const finding: Finding = {
      code: rule.code,
      severity: rule.severity,
      message: `${sent.op.id}${count > 1 ? ` and ${count - 1} other operation(s)` : ''}: ${rule.header} is ${actual === 'absent' ? 'absent' : `"${actual}"`}`,
      operation: sent.op.id,
      pointer: `header:${rule.header}`,
      expected: rule.expected,
      actual,
      hint: rule.hint,
      curl: sent.response.curl,
      ...(count > 1 && { count }),
    };
    session.add(finding, sent.response);
  }
}
