import pc from 'picocolors';
import type { GateVerdict } from '../core/gate.js';
import type { Finding, Outcome } from '../core/result.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colors on or off; the caller decides (NO_COLOR, FORCE_COLOR, --no-color), never this module. */
export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** One symbol per outcome; errored differs from failed because they mean different things. */
export const OUTCOME_SYMBOL: Readonly<Record<Outcome, string>> = {
  passed: '✔',
  failed: '✖',
  warned: '⚠',
  errored: '!',
  skipped: '○',
};

/** Colors an outcome's text the same way everywhere in the terminal. */
export function outcomeColor(c: Colors, outcome: Outcome): (text: string) => string {
  switch (outcome) {
    case 'passed':
      return c.green;
    case 'failed':
      return c.red;
    case 'warned':
      return c.yellow;
    case 'errored':
      return c.magenta;
    default:
      return c.dim;
  }
}

// C0 controls except tab and newline, DEL, C1 controls: a hostile server's body must not be able to
// move the cursor, change the title or hide text in someone's terminal.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Removes terminal control characters (escape sequences included) from untrusted text. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** Collapses untrusted text to one safe line. */
export function oneLine(text: string): string {
  return stripControl(text.replace(/\s*[\r\n]+\s*/g, ' '));
}

/** Cuts text to at most `width` code points, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  const points = Array.from(text);
  if (points.length <= width) return text;
  if (width <= 1) return points.slice(0, Math.max(0, width)).join('');
  return `${points.slice(0, width - 1).join('')}…`;
}

const VALUE_LIMIT = 400;
const LABEL_WIDTH = 11;

/**
 * A finding as indented text lines: code and message, then where, expected vs actual, what to do
 * and how to reproduce. Shared by the terminal and JUnit so both say the same thing.
 */
export function findingLines(f: Finding, c: Colors, indent = '  '): string[] {
  const count = f.count !== undefined && f.count > 1 ? ` (×${f.count})` : '';
  const lines = [`${c.bold(`[${stripControl(f.code)}]`)} ${f.severity}: ${oneLine(f.message)}${count}`];
  const field = (label: string, value: string | undefined, limit = VALUE_LIMIT): void => {
    if (value === undefined || value === '') return;
    const text = truncate(stripControl(value), limit).split(/\r?\n/);
    const head = `${label}:`.padEnd(LABEL_WIDTH);
    const pad = ' '.repeat(LABEL_WIDTH);
    lines.push(`${indent}${c.dim(head)}${text[0] ?? ''}`);
    for (const rest of text.slice(1)) lines.push(`${indent}${pad}${rest}`);
  };
  field('operation', f.operation);
  field('at', f.pointer);
  field('expected', f.expected);
  field('actual', f.actual);
  field('hint', f.hint);
  // The curl line is there to be copied: never shorten it.
  field('curl', f.curl, Number.POSITIVE_INFINITY);
  return lines;
}

/** True when the gate's own reasons or notes already speak of sign-offs (no need to repeat them). */
export function mentionsSignoff(gate: GateVerdict): boolean {
  return [...gate.reasons, ...gate.notes].some((text) => /sign-?off/i.test(text));
}
