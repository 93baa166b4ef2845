/** A problem located in an input file. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Path inside the document, e.g. "stages[1].checks[0].health.path". */
  path: string;
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  const where = d.path ? ` at ${d.path}` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.message}${where}${hint}`;
}

/**
 * Base of every error Gangway raises on purpose. `code` is stable; the CLI maps the class to an
 * exit code in one place (src/cli/exit-codes.ts), the server to an HTTP status.
 */
export class GangwayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid input from the user: a playbook, a spec, a flag. Exit code 2. */
export class InputError extends GangwayError {
  constructor(
    code: string,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A failure talking to the target that prevents a check from judging it (not a finding). */
export class TargetError extends GangwayError {}

/** The run was cancelled (Ctrl-C or a time budget). */
export class CancelledError extends GangwayError {
  constructor(message = 'cancelled') {
    super('cancelled', message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
