import type { RunReport } from '../runner/events.js';
import { writeFileAtomic } from './write-file.js';

/** The JSON report: the RunReport as is (docs/report-format.md), pretty-printed. */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes the JSON report atomically, creating parent directories. */
export async function writeJsonReport(report: RunReport, path: string): Promise<void> {
  await writeFileAtomic(path, renderJson(report));
}
