import { resolve } from 'node:path';
import pc from 'picocolors';
import type { CheckKind, OtherEnvironment } from '../checks/kind.js';
import { errorMessage } from '../core/errors.js';
import type { ApiSpec } from '../openapi/types.js';
import type { Playbook, Stage } from '../playbook/schema.js';
import { createTerminalReporter, parseReportSpec, writeReport } from '../reporters/index.js';
import type { RunReport } from '../runner/events.js';
import { detachedClient, type PreparedTarget } from '../runner/prepare.js';
import { runStage } from '../runner/run-stage.js';
import { EXIT } from './exit-codes.js';
import { type Io, printError } from './output.js';
import { VERSION } from './version.js';

export interface ExecuteOptions {
  playbook?: Playbook;
  stage: Stage;
  target?: PreparedTarget;
  /** Prepares another environment of the playbook for checks that compare two (drift). */
  otherEnvironment?: (name: string) => Promise<OtherEnvironment>;
  spec?: ApiSpec;
  kinds: ReadonlyMap<string, CheckKind>;
  baseDir: string;
  seed: number;
  reports: string[];
  concurrency?: number;
  verbose?: boolean;
  /** Exit code when the gate is open but findings exist (gangway contract: any finding is 1). */
  strictFindings?: boolean;
  /** Sends the finished report elsewhere (run --server); if it throws, the exit code is 3. */
  upload?: (report: RunReport) => Promise<void>;
}

/** Parses --report flags up front so a typo fails before any request is sent. */
export function parseReports(specs: readonly string[]) {
  return specs.map(parseReportSpec);
}

/**
 * Runs a stage with the terminal reporter, writes the requested reports (also after Ctrl-C, from the
 * partial results) and returns the exit code. A second Ctrl-C exits at once.
 */
export async function execute(io: Io, options: ExecuteOptions): Promise<number> {
  const reports = parseReports(options.reports);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      io.err.write('\nInterrupted: finishing with partial results (Ctrl-C again to stop at once)\n');
      controller.abort();
    } else {
      process.exit(EXIT.aborted);
    }
  };
  process.on('SIGINT', onSigint);
  const terminal = createTerminalReporter(io.out, {
    color: io.color,
    tty: Boolean(io.out.isTTY),
    verbose: options.verbose,
  });
  // A stage without an environment still gets a client (no base URL, no auth) for its checks' own use.
  const target = options.target ?? detachedClient(VERSION);
  let report: RunReport;
  try {
    report = await runStage({
      ...(options.playbook && { playbook: options.playbook }),
      stage: options.stage,
      ...(options.target && { environment: options.target.environment }),
      ...(options.spec && { spec: options.spec }),
      kinds: options.kinds,
      http: target.http,
      redactor: target.redactor,
      ...(options.otherEnvironment && { otherEnvironment: options.otherEnvironment }),
      baseDir: options.baseDir,
      seed: options.seed,
      ...(options.concurrency && { concurrency: options.concurrency }),
      signal: controller.signal,
      listeners: [terminal],
      version: VERSION,
    });
  } finally {
    terminal.close();
    process.off('SIGINT', onSigint);
    await target.http.close();
  }
  const c = pc.createColors(io.color);
  for (const { format, path } of reports) {
    const file = resolve(io.cwd, path);
    try {
      await writeReport(format, report, file);
      io.out.write(`${c.dim(`${format} report:`)} ${file}\n`);
    } catch (error) {
      io.err.write(
        `${c.red('error')} could not write the ${format} report to ${file}: ${errorMessage(error)}\n`,
      );
      return EXIT.internal;
    }
  }
  if (options.upload) {
    try {
      await options.upload(report);
    } catch (error) {
      io.err.write('the run finished but its upload failed:\n');
      printError(io, error);
      return EXIT.internal;
    }
  }
  if (report.gate.verdict !== 'open') return EXIT.blocked;
  if (options.strictFindings && report.checks.some((r) => r.findings.some((f) => f.severity !== 'info'))) {
    return EXIT.blocked;
  }
  return EXIT.ok;
}
