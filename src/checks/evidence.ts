import type { Exchange, Finding } from '../core/result.js';
import type { HttpResponse } from '../http/types.js';
import type { Operation, ResponseToValidate, SpecIssue } from '../openapi/types.js';

/** Keeps a bounded list of exchanges as a check's evidence and merges identical findings. */
export class Evidence {
  readonly exchanges: Exchange[] = [];
  readonly findings: Finding[] = [];
  private readonly byKey = new Map<string, Finding>();
  private dropped = 0;

  constructor(private readonly maxExchanges = 200) {}

  /** Keeps the exchange (if there is room) and returns its id for findings to point at. */
  keep(exchange: Exchange): string {
    if (this.exchanges.some((e) => e.id === exchange.id)) return exchange.id;
    if (this.exchanges.length < this.maxExchanges) this.exchanges.push(exchange);
    else this.dropped += 1;
    return exchange.id;
  }

  /** Adds a finding; an identical one (same code, operation, pointer, expected, actual) only bumps its count. */
  add(finding: Finding, exchange?: Exchange): void {
    const key = [finding.code, finding.operation, finding.pointer, finding.expected, finding.actual].join(
      '\u0000',
    );
    const existing = this.byKey.get(key);
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      return;
    }
    const kept = exchange ? { ...finding, exchangeId: this.keep(exchange) } : finding;
    this.byKey.set(key, kept);
    this.findings.push(kept);
  }

  /** Adds one finding per spec issue found in a response. */
  addSpecIssues(issues: readonly SpecIssue[], operation: Operation, response: HttpResponse): void {
    for (const issue of issues) this.add(findingFromIssue(issue, operation, response), response.exchange);
  }

  get droppedExchanges(): number {
    return this.dropped;
  }
}

const HINTS: Record<string, string> = {
  'status.undocumented': 'Document this status code in the operation responses, or stop returning it.',
  'content-type.undocumented':
    'Return a documented media type, or document this one in the operation responses.',
  'body.schema': 'Make the response match the schema in the spec, or correct the schema if the API is right.',
  'body.invalid-json': 'Return a valid JSON body for JSON media types.',
  'body.missing': 'Return the documented body, or document the response as having no content.',
  'header.missing': 'Send the required response header, or mark it optional in the spec.',
  'header.schema': 'Send the header in the documented format.',
};

/** The parts of a response the spec validator reads. */
export function forValidation(res: HttpResponse): ResponseToValidate {
  return { status: res.status, headers: res.headers, body: res.text(), json: () => res.json() };
}

/** Turns a spec validation issue into a finding about an operation, with a curl reproduction. */
export function findingFromIssue(issue: SpecIssue, operation: Operation, response: HttpResponse): Finding {
  return {
    code: `response.${issue.code}`,
    severity: 'error',
    message: issue.message,
    operation: operation.id,
    pointer: issue.pointer,
    ...(issue.expected !== undefined && { expected: issue.expected }),
    ...(issue.actual !== undefined && { actual: issue.actual }),
    hint: hintFor(issue),
    curl: response.curl,
  };
}

/** The remediation for an issue; overlapping oneOf alternatives are nearly always the spec's to fix. */
function hintFor(issue: SpecIssue): string {
  if (issue.expected === 'exactly one oneOf alternative')
    return 'The value matches several oneOf alternatives: the spec should make them exclusive (required properties, a discriminator, distinct types) or use anyOf.';
  return HINTS[issue.code] ?? 'Align the API and its spec.';
}
