import type { Change, ChangeSeverity, DiffResult } from './types.js';

export type DiffFormat = 'text' | 'markdown' | 'json';
export type FailOn = 'breaking' | 'warning';

/** Colour functions for text output; identity when colours are off. */
export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: Paint = { red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

const GROUPS: { severity: ChangeSeverity; title: string; mark: string }[] = [
  { severity: 'breaking', title: 'Breaking changes', mark: '✗' },
  { severity: 'warning', title: 'Warnings', mark: '!' },
  { severity: 'info', title: 'Info', mark: '·' },
];

/** Whether the result has a change at or above the threshold (the CLI's exit 1). */
export function failsOn(result: DiffResult, failOn: FailOn): boolean {
  return result.summary.breaking > 0 || (failOn === 'warning' && result.summary.warning > 0);
}

/** "2 breaking, 1 warning, 5 info". */
export function summaryLine(result: DiffResult): string {
  const { breaking, warning, info } = result.summary;
  return `${breaking} breaking, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info`;
}

/** Renders a diff result in one of the output formats (JSON is the DiffResult itself). */
export function formatDiff(result: DiffResult, format: DiffFormat, paint: Paint = plain): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'markdown') return markdown(result);
  return text(result, paint);
}

function text(result: DiffResult, paint: Paint): string {
  if (result.changes.length === 0) return 'No changes.\n';
  const lines: string[] = [];
  for (const group of GROUPS) {
    const changes = result.changes.filter((c) => c.severity === group.severity);
    if (changes.length === 0) continue;
    const colour =
      group.severity === 'breaking' ? paint.red : group.severity === 'warning' ? paint.yellow : paint.dim;
    lines.push(paint.bold(colour(`${group.title} (${changes.length})`)));
    for (const c of changes) lines.push(`  ${colour(group.mark)} ${c.message} ${paint.dim(`[${c.code}]`)}`);
    lines.push('');
  }
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

/** The part of a message after "operation location: ". */
function detailOf(c: Change): string {
  const prefix = c.location ? `${c.operation} ${c.location}: ` : `${c.operation}: `;
  return c.message.startsWith(prefix) ? c.message.slice(prefix.length) : c.message;
}

const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => (s === '' ? '—' : `\`${s.replace(/`/g, "'")}\``);

function markdown(result: DiffResult): string {
  const out = [`## API changes: ${summaryLine(result)}`, ''];
  if (result.changes.length === 0) out.push('No changes.', '');
  for (const group of GROUPS) {
    const changes = result.changes.filter((c) => c.severity === group.severity);
    if (changes.length === 0) continue;
    out.push(
      `### ${group.title} (${changes.length})`,
      '',
      '| Operation | Location | Change | Rule |',
      '| --- | --- | --- | --- |',
    );
    for (const c of changes) {
      out.push(`| ${code(c.operation)} | ${code(c.location)} | ${cell(detailOf(c))} | ${code(c.code)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
