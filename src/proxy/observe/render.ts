import type { ClientFinding, ClientReport } from '../observation.js';
import { findingPenalty } from './score.js';

export type RenderFormat = 'text' | 'markdown';

const MARK = { error: '✗', warning: '!', info: 'i' } as const;

function evidenceList(f: ClientFinding): string {
  const more = f.count > f.evidence.length ? ` (${f.count} in all)` : '';
  return f.evidence.length > 0 ? `exchanges #${f.evidence.join(', #')}${more}` : `${f.count} occurrence(s)`;
}

function summaryLine(r: ClientReport): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  return `${r.requests} request(s); ${errors} error(s), ${warnings} warning(s), ${r.passed.length} behaviour(s) passed, ${r.notJudged.length} not judged`;
}

function renderText(reports: readonly ClientReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`client ${r.client}: score ${r.score}/100 — ${summaryLine(r)}`);
    for (const f of r.findings) {
      lines.push(`  ${MARK[f.severity]} ${f.severity} ${f.code} (-${findingPenalty(f)}): ${f.message}`);
      lines.push(`      fix: ${f.remediation}`);
      lines.push(`      evidence: ${evidenceList(f)}`);
    }
    for (const p of r.passed) lines.push(`  ✓ ${p}`);
    for (const n of r.notJudged) lines.push(`  - not judged: ${n.behaviour}, because ${n.why}`);
    lines.push('');
  }
  if (reports.length === 0) lines.push('no client traffic was observed', '');
  return lines.join('\n');
}

/** Markdown tables must not break on a pipe or a newline inside a cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function renderMarkdown(reports: readonly ClientReport[]): string {
  const lines: string[] = ['# Partner client observation', ''];
  if (reports.length === 0) lines.push('No client traffic was observed.', '');
  lines.push('| client | score | requests | errors | warnings |', '| --- | ---: | ---: | ---: | ---: |');
  for (const r of reports) {
    const count = (s: ClientFinding['severity']) => r.findings.filter((f) => f.severity === s).length;
    lines.push(
      `| ${cell(r.client)} | ${r.score} | ${r.requests} | ${count('error')} | ${count('warning')} |`,
    );
  }
  lines.push('');
  for (const r of reports) {
    lines.push(`## ${cell(r.client)} — ${r.score}/100`, '', summaryLine(r), '');
    if (r.findings.length > 0) {
      lines.push('| severity | code | points | finding | remediation | evidence |');
      lines.push('| --- | --- | ---: | --- | --- | --- |');
      for (const f of r.findings) {
        lines.push(
          `| ${f.severity} | \`${f.code}\` | -${findingPenalty(f)} | ${cell(f.message)} | ${cell(f.remediation)} | ${cell(evidenceList(f))} |`,
        );
      }
      lines.push('');
    }
    if (r.passed.length > 0) lines.push('Passed:', '', ...r.passed.map((p) => `- ${cell(p)}`), '');
    if (r.notJudged.length > 0) {
      lines.push('Not judged:', '', ...r.notJudged.map((n) => `- **${n.behaviour}**: ${cell(n.why)}`), '');
    }
  }
  return lines.join('\n');
}

/** Renders client reports for a terminal (text) or a file / PR comment (markdown). */
export function renderClientReports(reports: readonly ClientReport[], format: RenderFormat = 'text'): string {
  return format === 'markdown' ? renderMarkdown(reports) : renderText(reports);
}
