import { formatDuration } from '../core/duration.js';
import type { CheckResult } from '../core/result.js';
import type { RunInfo } from '../runner/events.js';
import { type Colors, oneLine, truncate } from './text.js';
import { resultLine } from './tty-summary.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface LiveCheck {
  id: string;
  startedAt?: number;
  message?: string;
  done?: number;
  total?: number;
  result?: CheckResult;
}

/** What one redraw writes: lines leaving the live block for good, then the block itself. */
export interface Frame {
  committed: string[];
  block: string[];
}

/**
 * The state behind the live terminal block, one line per check. Pure rendering: the reporter owns
 * the stream, the timer and the cursor; this only turns state into lines that fit the width.
 */
export class LiveView {
  private readonly checks = new Map<string, LiveCheck>();
  private frameIndex = 0;
  private idWidth = 0;

  constructor(
    private readonly c: Colors,
    private readonly now: () => number,
  ) {}

  start(run: RunInfo): void {
    for (const check of run.checks) this.entry(check.id);
  }

  started(checkId: string, at: number): void {
    this.entry(checkId).startedAt = at;
  }

  progress(checkId: string, message: string, done?: number, total?: number): void {
    const check = this.entry(checkId);
    check.message = message;
    check.done = done;
    check.total = total;
  }

  finished(result: CheckResult): void {
    this.entry(result.id).result = result;
  }

  /** True while a spinner or an elapsed time is moving. */
  get active(): boolean {
    for (const check of this.checks.values()) if (check.startedAt !== undefined && !check.result) return true;
    return false;
  }

  /** Renders the block; finished lines move out of it for good when it would not fit in `maxRows`. */
  render(width: number, maxRows: number): Frame {
    this.frameIndex = (this.frameIndex + 1) % SPINNER.length;
    const committed: string[] = [];
    for (const check of [...this.checks.values()]) {
      if (this.checks.size <= maxRows) break;
      if (!check.result) continue;
      committed.push(this.fit(resultLine(check.result, this.c, this.idWidth), width));
      this.checks.delete(check.id);
    }
    let shown = [...this.checks.values()];
    if (shown.length > maxRows) {
      // Only unfinished checks are left: running ones matter more than queued ones.
      const running = shown.filter((check) => check.startedAt !== undefined);
      const queued = shown.filter((check) => check.startedAt === undefined);
      shown = [...running, ...queued].slice(0, Math.max(0, maxRows - 1));
    }
    const block = shown.map((check) => this.fit(this.line(check), width));
    const more = this.checks.size - shown.length;
    if (more > 0) block.push(this.c.dim(`… ${more} more checks running or queued`));
    return { committed, block };
  }

  private entry(id: string): LiveCheck {
    let check = this.checks.get(id);
    if (!check) {
      check = { id };
      this.checks.set(id, check);
      this.idWidth = Math.min(24, Math.max(this.idWidth, id.length));
    }
    return check;
  }

  private line(check: LiveCheck): string {
    const c = this.c;
    if (check.result) return resultLine(check.result, c, this.idWidth);
    const id = check.id.padEnd(this.idWidth);
    if (check.startedAt === undefined) return c.dim(`· ${id} queued`);
    const elapsed = formatDuration(Math.max(0, this.now() - check.startedAt));
    const count = check.total !== undefined ? ` ${check.done ?? 0}/${check.total}` : '';
    const message = check.message ? ` ${oneLine(check.message)}` : '';
    return `${c.cyan(SPINNER[this.frameIndex] ?? '-')} ${id} ${c.dim(elapsed)}${count}${message}`;
  }

  /** Keeps a line on one terminal row: a wrapped line would break the cursor arithmetic. */
  private fit(line: string, width: number): string {
    // Lines mix color codes and text; measure without the codes and cut only when needed.
    const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
    if (Array.from(plain).length <= width) return line;
    return truncate(plain, width);
  }
}
