/** Small Markdown helpers for the post-incident report: escaping user text, times and spans. */

/**
 * Escapes text written by people or partners so it renders as written: inline syntax anywhere
 * (emphasis, code, links, HTML, tables), block syntax at the start of a line (headings, lists, quotes).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .split('\n')
    .map((line) => line.replace(/^(\s*)([#>+\-=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2'))
    .join('\n');
}

/** Escaped text for one table cell: a cell cannot hold a line break. */
export function cell(text: string): string {
  return escapeMarkdown(text.replace(/\s*\r?\n\s*/g, ' ').trim());
}

/** A time in UTC to the second: 2025-06-01 10:15:00Z. */
export function formatTime(at: number): string {
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** A span for people, to the second: 45s, 15m, 15m 30s, 1h 5m, 2d 4h. */
export function formatSpan(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts =
    d > 0
      ? [`${d}d`, h && `${h}h`]
      : h > 0
        ? [`${h}h`, m && `${m}m`]
        : m > 0
          ? [`${m}m`, s && `${s}s`]
          : [`${s}s`];
  return parts.filter(Boolean).join(' ');
}

/** A link when the URL is http(s), else the escaped text alone (no javascript: links in reports). */
export function link(text: string, url: string | null): string {
  if (!url || !/^https?:\/\/[^\s()<>]+$/.test(url)) return cell(text);
  return `[${cell(text)}](${url})`;
}

/** A Markdown table; cells are expected escaped already. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
