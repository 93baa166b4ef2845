import { formatDuration } from '../core/duration.js';
import type { GateVerdict } from '../core/gate.js';
import { type CheckResult, type Finding, OUTCOMES, type Severity } from '../core/result.js';
import type { RunInfo, RunReport } from '../runner/events.js';
import { type Colors, findingLines, mentionsSignoff, OUTCOME_SYMBOL, oneLine, outcomeColor } from './text.js';

/** Findings shown per check before "and N more": enough to act on, short enough to scroll. */
export const FINDINGS_PER_CHECK = 10;

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** The run's heading: what is checked, where, and how to reproduce (run id, seed). */
export function headerLines(run: RunInfo, c: Colors): string[] {
  const playbook = run.playbook ? `${run.playbook.name} ${run.playbook.version} · ` : '';
  const lines = [`${c.bold('Gangway')} ${oneLine(`${playbook}stage ${run.stage.id}`)}`];
  if (run.environment) lines.push(oneLine(`environment ${run.environment.name} ${run.environment.baseUrl}`));
  const checks = `${run.checks.length} check${run.checks.length === 1 ? '' : 's'}`;
  lines.push(c.dim(`run ${run.runId} · seed ${run.seed} · ${checks}`));
  return lines;
}

/** One line for a finished check: symbol, id, outcome, duration, summary. */
export function resultLine(result: CheckResult, c: Colors, idWidth = 0): string {
  const color = outcomeColor(c, result.outcome);
  const summary = result.summary ? ` ${oneLine(result.summary)}` : '';
  return `${color(OUTCOME_SYMBOL[result.outcome])} ${result.id.padEnd(idWidth)} ${color(result.outcome)} ${c.dim(
    formatDuration(result.durationMs),
  )}${summary}`;
}

/** What is printed after the run: findings of checks that need attention, then the gate verdict. */
export function summaryLines(report: RunReport, c: Colors, verbose = false): string[] {
  const lines: string[] = [''];
  const attention = report.checks.filter(
    (r) =>
      r.outcome === 'failed' ||
      r.outcome === 'warned' ||
      r.outcome === 'errored' ||
      (verbose && r.findings.length > 0),
  );
  for (const result of attention) {
    lines.push(...checkFindingLines(result, c, verbose), '');
  }
  if (report.interrupted) lines.push(c.yellow('The run was interrupted: results are partial.'), '');
  lines.push(...gateLines(report.gate, c));
  lines.push(countsLine(report, c));
  return lines;
}

function checkFindingLines(result: CheckResult, c: Colors, verbose: boolean): string[] {
  const color = outcomeColor(c, result.outcome);
  const title = result.title && result.title !== result.id ? ` ${c.dim(`(${oneLine(result.title)})`)}` : '';
  const lines = [`${color(`${OUTCOME_SYMBOL[result.outcome]} ${result.id} ${result.outcome}`)}${title}`];
  if (result.error) {
    lines.push(`  ${c.magenta(`[${oneLine(result.error.code)}]`)} ${oneLine(result.error.message)}`);
  }
  const findings = [...result.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const shown = verbose ? findings : findings.slice(0, FINDINGS_PER_CHECK);
  shown.forEach((finding: Finding, i) => {
    const [first = '', ...rest] = findingLines(finding, c, '      ');
    lines.push(`  ${String(i + 1).padStart(2)}. ${first}`, ...rest);
  });
  const hidden = findings.length - shown.length;
  if (hidden > 0) lines.push(c.dim(`  and ${hidden} more — see the report`));
  return lines;
}

function gateLines(gate: GateVerdict, c: Colors): string[] {
  const open = gate.verdict === 'open';
  const verdict = open ? c.bold(c.green('OPEN')) : c.bold(c.red('BLOCKED'));
  const lines = [`Gate ${gate.stageId}: ${verdict}`];
  for (const reason of gate.reasons) lines.push(`  ${c.red('✖')} ${oneLine(reason)}`);
  for (const note of gate.notes) lines.push(`  ${c.dim('·')} ${oneLine(note)}`);
  if (gate.signoffs.pending.length > 0 && !mentionsSignoff(gate)) {
    const where = gate.signoffs.evaluated ? '' : c.dim(' (recorded by the Gangway service)');
    lines.push(`  Sign-offs pending: ${gate.signoffs.pending.join(', ')}${where}`);
  }
  return lines;
}

function countsLine(report: RunReport, c: Colors): string {
  const parts = OUTCOMES.filter((o) => report.counts[o] > 0).map((o) =>
    outcomeColor(c, o)(`${report.counts[o]} ${o}`),
  );
  const total = report.checks.length;
  const counts = parts.length > 0 ? parts.join(', ') : 'no results';
  return `Checks: ${total} — ${counts} ${c.dim(`· ${formatDuration(report.durationMs)}`)}`;
}
