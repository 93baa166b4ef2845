import { formatDuration } from '../core/duration.js';
import type { RunEvent, RunListener, RunReport } from '../runner/events.js';
import { colors, oneLine } from './text.js';
import { LiveView } from './tty-live.js';
import { headerLines, resultLine, summaryLines } from './tty-summary.js';

/** The stream the terminal reporter writes to; process.stdout and process.stderr fit. */
export type TerminalStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export interface TerminalOptions {
  /** Whether to use ANSI colors; the caller decides from NO_COLOR / FORCE_COLOR / flags. */
  color: boolean;
  /** Live redrawn block (a terminal) or plain append-only lines (CI logs, pipes). */
  tty: boolean;
  /** Every progress line, every finding, findings of passed checks too. */
  verbose?: boolean;
}

/** Redraws per second at most: smooth enough for a spinner, cheap enough for a slow terminal. */
export const REDRAW_INTERVAL_MS = 100;
/** In plain mode, a check's progress is printed at most this often (unless verbose). */
export const PLAIN_PROGRESS_INTERVAL_MS = 5000;

const ESC = '\u001b[';

/** Subscribes to run events and shows them on a terminal (live block) or a log (plain lines). */
export function createTerminalReporter(
  out: TerminalStream,
  options: TerminalOptions,
): RunListener & { close(): void } {
  const handler = options.tty ? liveReporter(out, options) : plainReporter(out, options);
  const listener = (event: RunEvent): void => handler.on(event);
  return Object.assign(listener, { close: () => handler.close() });
}

interface Handler {
  on(event: RunEvent): void;
  close(): void;
}

function plainReporter(out: TerminalStream, options: TerminalOptions): Handler {
  const c = colors(options.color);
  const write = (lines: string[]): void => {
    out.write(`${lines.join('\n')}\n`);
  };
  // Per check: when its last progress line was printed (or when it started).
  const lastPrinted = new Map<string, number>();
  return {
    on(event) {
      switch (event.type) {
        case 'run.started':
          write(headerLines(event.run, c));
          break;
        case 'check.started':
          lastPrinted.set(event.checkId, timeOf(event.at));
          write([`${c.cyan('▶')} started ${event.checkId}`]);
          break;
        case 'check.progress': {
          const at = timeOf(event.at);
          const last = lastPrinted.get(event.checkId) ?? Number.NEGATIVE_INFINITY;
          if (!options.verbose && at - last < PLAIN_PROGRESS_INTERVAL_MS) break;
          lastPrinted.set(event.checkId, at);
          const count = event.total !== undefined ? ` ${event.done ?? 0}/${event.total}` : '';
          write([c.dim(`  ${event.checkId}${count} ${oneLine(event.message)}`)]);
          break;
        }
        case 'check.finished':
          lastPrinted.delete(event.result.id);
          write([resultLine(event.result, c)]);
          break;
        case 'gate.evaluated':
          break;
        case 'run.finished':
          write(finalLines(event.report, c, options.verbose));
          break;
      }
    },
    close() {},
  };
}

function liveReporter(out: TerminalStream, options: TerminalOptions): Handler {
  const c = colors(options.color);
  const view = new LiveView(c, Date.now);
  let drawn = 0;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let cursorHidden = false;

  const redraw = (): void => {
    dirty = false;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const rows = Math.max(3, (out.rows ?? 24) - 2);
    const frame = view.render(width, rows);
    // Back to the block's first line, erase down, write everything again in one write.
    let text = drawn > 0 ? `${ESC}${drawn}F${ESC}J` : '';
    for (const line of [...frame.committed, ...frame.block]) text += `${line}\n`;
    drawn = frame.block.length;
    out.write(text);
  };
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const showCursor = (): void => {
    if (cursorHidden) out.write(`${ESC}?25h`);
    cursorHidden = false;
  };
  const start = (): void => {
    if (timer) return;
    timer = setInterval(() => {
      if (dirty || view.active) redraw();
    }, REDRAW_INTERVAL_MS);
    // A forgotten reporter must never keep the process alive.
    timer.unref();
  };

  return {
    on(event) {
      switch (event.type) {
        case 'run.started':
          out.write(`${headerLines(event.run, c).join('\n')}\n\n${ESC}?25l`);
          cursorHidden = true;
          view.start(event.run);
          redraw();
          start();
          break;
        case 'check.started':
          view.started(event.checkId, Date.now());
          dirty = true;
          start();
          break;
        case 'check.progress':
          view.progress(event.checkId, event.message, event.done, event.total);
          dirty = true;
          break;
        case 'check.finished':
          view.finished(event.result);
          dirty = true;
          break;
        case 'gate.evaluated':
          break;
        case 'run.finished':
          stopTimer();
          for (const result of event.report.checks) view.finished(result);
          redraw();
          showCursor();
          drawn = 0;
          out.write(`${finalLines(event.report, c, options.verbose).join('\n')}\n`);
          break;
      }
    },
    close() {
      if (timer && dirty) redraw();
      stopTimer();
      showCursor();
    },
  };
}

function finalLines(report: RunReport, c: ReturnType<typeof colors>, verbose = false): string[] {
  const lines = summaryLines(report, c, verbose);
  if (report.outcome === 'errored') lines.push(c.magenta('Gangway could not finish the run (errored).'));
  if (report.outcome === 'cancelled')
    lines.push(c.yellow(`Run cancelled after ${formatDuration(report.durationMs)}.`));
  return lines;
}

function timeOf(at: string): number {
  const t = Date.parse(at);
  return Number.isNaN(t) ? Date.now() : t;
}
