/** Types of the breaking-change differ: one Change per rule hit, a summary by severity. */

export type ChangeSeverity = 'breaking' | 'warning' | 'info';
export type ChangeDirection = 'request' | 'response';

/** One difference between two specs, as printed and as serialised in JSON output. */
export interface Change {
  /** Stable rule code, e.g. "request.parameter.required-added" (docs/diff-rules.md). */
  code: string;
  severity: ChangeSeverity;
  direction: ChangeDirection;
  /** "METHOD /path" as written in the new spec (the old one for removed operations). */
  operation: string;
  /** Where in the operation, e.g. "request.query.limit" or "response.200.body.items[].id". */
  location: string;
  message: string;
}

export interface DiffSummary {
  breaking: number;
  warning: number;
  info: number;
}

/** The differ's result; JSON output is exactly this object. */
export interface DiffResult {
  changes: Change[];
  summary: DiffSummary;
}

/** A change inside a schema: the rule, where below the schema's root, and what happened. */
export interface SchemaChange {
  code: string;
  /** Suffix of the location: ".name", "[]", ".oneOf[1]", ".*"; "" for the schema itself. */
  path: string;
  detail: string;
}

/** A rule of the catalogue: its code fixes severity and direction. */
export interface Rule {
  code: string;
  severity: ChangeSeverity;
  direction: ChangeDirection;
  /** One sentence for docs and help. */
  title: string;
}
