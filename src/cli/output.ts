import pc from 'picocolors';
import { errorMessage, formatDiagnostic, GangwayError, InputError } from '../core/errors.js';

/** Streams and colour decisions for one CLI invocation, injected so tests can capture output. */
export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function defaultIo(): Io {
  const env = process.env;
  const color = env.NO_COLOR
    ? false
    : env.FORCE_COLOR
      ? env.FORCE_COLOR !== '0'
      : Boolean(process.stdout.isTTY);
  return { out: process.stdout, err: process.stderr, color, env, cwd: process.cwd() };
}

/** Prints an error for a user: message, located diagnostics, never a stack trace (unless GANGWAY_DEBUG). */
export function printError(io: Io, error: unknown): void {
  const c = pc.createColors(io.color);
  if (error instanceof InputError) {
    io.err.write(`${c.red('error')} ${error.message}\n`);
    // Some errors (the playbook loader's) already list their diagnostics in the message: print each once.
    for (const d of error.diagnostics) {
      const line = formatDiagnostic(d);
      if (!error.message.includes(line)) io.err.write(`  ${line}\n`);
    }
  } else if (error instanceof GangwayError) {
    io.err.write(`${c.red('error')} ${error.message} [${error.code}]\n`);
  } else {
    io.err.write(`${c.red('internal error')} ${errorMessage(error)}\n`);
    io.err.write('This is a bug in Gangway; run with GANGWAY_DEBUG=1 for details and report it.\n');
  }
  if (io.env.GANGWAY_DEBUG && error instanceof Error && error.stack) io.err.write(`${error.stack}\n`);
}
