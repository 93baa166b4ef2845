import { InputError } from '../core/errors.js';
import type { RunReport } from '../runner/events.js';
import { writeHtmlReport } from './html.js';
import { writeJsonReport } from './json.js';
import { writeJunitReport } from './junit.js';

export { renderHtml, writeHtmlReport } from './html.js';
export { renderJson, writeJsonReport } from './json.js';
export { renderJunit, writeJunitReport } from './junit.js';
export { createTerminalReporter, type TerminalOptions, type TerminalStream } from './tty.js';

/** Report files Gangway writes; `--report <format>=<path>`. */
export const REPORT_FORMATS = ['junit', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportSpec {
  format: ReportFormat;
  path: string;
}

const WRITERS: Readonly<Record<ReportFormat, (report: RunReport, path: string) => Promise<void>>> = {
  junit: writeJunitReport,
  json: writeJsonReport,
  html: writeHtmlReport,
};

/** Parses "junit=reports/junit.xml" into a format and a path; InputError 'report.invalid' otherwise. */
export function parseReportSpec(spec: string): ReportSpec {
  const at = spec.indexOf('=');
  const format = (at < 0 ? spec : spec.slice(0, at)).trim().toLowerCase();
  const path = at < 0 ? '' : spec.slice(at + 1).trim();
  const expected = `expected <format>=<path> with format one of ${REPORT_FORMATS.join(', ')} (e.g. junit=reports/junit.xml)`;
  if (!isFormat(format)) {
    throw new InputError('report.invalid', `report "${spec}": unknown format "${format}"; ${expected}`);
  }
  if (path === '') throw new InputError('report.invalid', `report "${spec}": missing path; ${expected}`);
  return { format, path };
}

/** Writes one report file in the given format (atomically, creating directories). */
export async function writeReport(format: ReportFormat, report: RunReport, path: string): Promise<void> {
  await WRITERS[format](report, path);
}

function isFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
