import type { CheckResult } from '../core/result.js';
import type { RunReport } from '../runner/events.js';
import { colors, findingLines, mentionsSignoff } from './text.js';
import { writeFileAtomic } from './write-file.js';
import { attrs, xmlText } from './xml.js';

/** Findings written into one <failure> body before "and N more": CI pages choke on megabytes. */
export const JUNIT_FINDINGS_PER_CHECK = 100;

/** Classname of the extra test case carrying the gate verdict. */
export const GATE_CLASSNAME = 'gangway.gate';

const plain = colors(false);

/**
 * The run as JUnit XML (GitHub Actions, GitLab, Jenkins): one <testsuite> for the stage, one
 * <testcase> per check, plus one for the gate so CI shows why a run with no failed check still failed
 * (a skipped required check, a missing result, a pending sign-off).
 */
export function renderJunit(report: RunReport): string {
  const run = report.run;
  const suiteName = `${run.playbook?.name ?? 'gangway'}/${run.stage.id}`;
  const cases = report.checks.map(testCase);
  cases.push(gateCase(report));

  const failures = report.checks.filter((r) => r.outcome === 'failed').length + gateFailed(report);
  const errors = report.checks.filter((r) => r.outcome === 'errored').length;
  const skipped = report.checks.filter((r) => r.outcome === 'skipped').length;
  const counts = { tests: cases.length, failures, errors, skipped, time: seconds(report.durationMs) };

  const properties: Record<string, string | number | undefined> = {
    'gangway.version': report.tool.version,
    runId: run.runId,
    seed: run.seed,
    playbook: run.playbook?.name,
    'playbook.version': run.playbook?.version,
    'playbook.file': run.playbook?.file,
    stage: run.stage.id,
    environment: run.environment?.name,
    baseUrl: run.environment?.baseUrl,
    'spec.title': run.spec?.title,
    'spec.version': run.spec?.version,
    gate: report.gate.verdict,
    outcome: report.outcome,
    interrupted: String(report.interrupted),
  };
  const propertyLines = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`);

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'gangway', ...counts })}>`,
    `  <testsuite${attrs({ name: suiteName, ...counts, timestamp: junitTimestamp(report.startedAt), id: run.runId })}>`,
    '    <properties>',
    ...propertyLines,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes the JUnit report atomically, creating parent directories. */
export async function writeJunitReport(report: RunReport, path: string): Promise<void> {
  await writeFileAtomic(path, renderJunit(report));
}

function testCase(result: CheckResult): string {
  const name = result.title && result.title !== result.id ? `${result.title} (${result.id})` : result.id;
  const open = `    <testcase${attrs({ classname: result.kind, name, time: seconds(result.durationMs) })}`;
  const summary = result.summary || result.outcome;
  switch (result.outcome) {
    case 'failed':
      return element(open, 'failure', { message: summary, type: 'failed' }, detailText(result));
    case 'errored': {
      const code = result.error?.code ?? 'errored';
      const message = result.error ? `${result.error.code}: ${result.error.message}` : summary;
      return element(open, 'error', { message, type: code }, detailText(result));
    }
    case 'skipped':
      return `${open}>\n      <skipped${attrs({ message: summary })}/>\n    </testcase>`;
    case 'warned':
      return `${open}>\n      <system-out>${xmlText(detailText(result))}</system-out>\n    </testcase>`;
    default:
      return `${open}/>`;
  }
}

function gateCase(report: RunReport): string {
  const gate = report.gate;
  const open = `    <testcase${attrs({ classname: GATE_CLASSNAME, name: `gate ${gate.stageId}`, time: '0.000' })}`;
  const lines = [...gate.reasons.map((r) => `blocked: ${r}`), ...gate.notes.map((n) => `note: ${n}`)];
  if (gate.signoffs.pending.length > 0 && !mentionsSignoff(gate)) {
    lines.push(`sign-offs pending: ${gate.signoffs.pending.join(', ')}`);
  }
  if (gate.verdict === 'blocked') {
    const message = `gate ${gate.stageId} is blocked: ${gate.reasons[0] ?? 'see the report'}`;
    return element(open, 'failure', { message, type: 'gate.blocked' }, lines.join('\n'));
  }
  if (lines.length === 0) return `${open}/>`;
  return `${open}>\n      <system-out>${xmlText(lines.join('\n'))}</system-out>\n    </testcase>`;
}

function gateFailed(report: RunReport): number {
  return report.gate.verdict === 'blocked' ? 1 : 0;
}

function element(open: string, tag: string, attributes: Record<string, string>, body: string): string {
  return `${open}>\n      <${tag}${attrs(attributes)}>${xmlText(body)}</${tag}>\n    </testcase>`;
}

/** A check's summary, error, failed thresholds and findings as plain text for a CI log. */
function detailText(result: CheckResult): string {
  const lines = [result.summary];
  if (result.error) lines.push(`error ${result.error.code}: ${result.error.message}`);
  for (const t of result.thresholds) {
    if (!t.passed) lines.push(`threshold ${t.expression} not met (actual ${t.actual ?? 'none'})`);
  }
  const shown = result.findings.slice(0, JUNIT_FINDINGS_PER_CHECK);
  for (const finding of shown) lines.push('', ...findingLines(finding, plain));
  const hidden = result.findings.length - shown.length;
  if (hidden > 0) lines.push('', `and ${hidden} more — see the report`);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** JUnit's schema wants an ISO date-time without zone; ours are UTC. */
function junitTimestamp(iso: string): string | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 19);
}
