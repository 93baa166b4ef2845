import { formatDuration } from '../core/duration.js';
import type { CheckResult, Finding } from '../core/result.js';
import { latencyChart } from './html-chart.js';
import { esc, num } from './html-escape.js';
import { renderExchange, selectExchanges } from './html-evidence.js';

/** Findings rendered per check; the JSON report keeps them all. */
export const HTML_FINDINGS_PER_CHECK = 200;

/** A section for one check: badge, summary, measurements, thresholds, chart, findings, evidence. */
export function renderCheck(result: CheckResult, index: number): string {
  const { shown, omitted } = selectExchanges(result);
  const anchors = new Map<string, string>();
  shown.forEach((ex, i) => {
    if (!anchors.has(ex.id)) anchors.set(ex.id, `c${index}-x${i}`);
  });
  // Checks that need attention open expanded; passed ones stay folded.
  const open = result.outcome === 'passed' || result.outcome === 'skipped' ? '' : ' open';
  const title =
    result.title && result.title !== result.id ? ` <span class="muted">${esc(result.title)}</span>` : '';
  const required = result.required ? '' : ' <span class="muted">(optional)</span>';

  const parts = [
    `<section class="check ${esc(result.outcome)}" id="c${index}" data-outcome="${esc(result.outcome)}"><details${open}>`,
    `<summary><span class="badge">${esc(result.outcome)}</span> <h2>${esc(result.id)}</h2>${title}${required}` +
      ` <span class="muted">· ${esc(result.kind)} · ${esc(formatDuration(result.durationMs))}</span>` +
      `<span class="summary-text">${esc(result.summary)}</span></summary>`,
  ];
  if (result.error) {
    parts.push(
      `<p class="note">Errored: <code>${esc(result.error.code)}</code> ${esc(result.error.message)}</p>`,
    );
  }
  parts.push(measurementTable(result.measurements), thresholdTable(result));
  const chart = latencyChart(result.samples);
  if (chart) parts.push('<h3>Latency</h3>', chart);
  parts.push(findingsBlock(result, index, anchors));
  if (shown.length > 0) {
    parts.push(
      `<h3>Evidence (${result.exchanges.length} exchange${result.exchanges.length === 1 ? '' : 's'})</h3>`,
    );
    shown.forEach((ex, i) => {
      parts.push(renderExchange(ex, `c${index}-x${i}`));
    });
    if (omitted > 0) {
      parts.push(
        `<p class="note">${omitted} more exchanges are not shown here; the JSON report has them all.</p>`,
      );
    }
  }
  parts.push('</details></section>');
  return parts.filter((p) => p !== '').join('\n');
}

function measurementTable(measurements: Record<string, number>): string {
  const rows = Object.entries(measurements).map(
    ([name, value]) => `<tr><th>${esc(name)}</th><td>${esc(num(value))}</td></tr>`,
  );
  if (rows.length === 0) return '';
  return `<h3>Measurements</h3><table class="measurements">${rows.join('')}</table>`;
}

function thresholdTable(result: CheckResult): string {
  if (result.thresholds.length === 0) return '';
  const rows = result.thresholds.map((t) => {
    const verdict = t.passed ? '<td class="pass">✔ passed</td>' : '<td class="fail">✖ failed</td>';
    return `<tr><td><code>${esc(t.expression)}</code></td><td>${esc(num(t.actual))}</td>${verdict}</tr>`;
  });
  return `<h3>Thresholds</h3><table class="thresholds"><tr><th>expression</th><th>actual</th><th>result</th></tr>${rows.join('')}</table>`;
}

function findingsBlock(result: CheckResult, index: number, anchors: Map<string, string>): string {
  if (result.findings.length === 0) return '';
  const shown = result.findings.slice(0, HTML_FINDINGS_PER_CHECK);
  const cards = shown.map((f, i) => findingCard(f, `c${index}-f${i}`, anchors));
  const hidden = result.findings.length - shown.length;
  if (hidden > 0) cards.push(`<p class="note">and ${hidden} more findings — see the JSON report</p>`);
  return `<h3>Findings (${result.findings.length})</h3>\n${cards.join('\n')}`;
}

function findingCard(f: Finding, id: string, anchors: Map<string, string>): string {
  const count = f.count !== undefined && f.count > 1 ? ` <span class="muted">×${esc(f.count)}</span>` : '';
  const rows: string[] = [];
  const row = (label: string, value: string | undefined, pre = false): void => {
    if (value === undefined || value === '') return;
    rows.push(`<dt>${label}</dt><dd>${pre ? `<pre>${esc(value)}</pre>` : `<code>${esc(value)}</code>`}</dd>`);
  };
  row('operation', f.operation);
  row('where', f.pointer);
  row('expected', f.expected, f.expected?.includes('\n'));
  row('actual', f.actual, f.actual?.includes('\n'));
  if (f.hint) rows.push(`<dt>hint</dt><dd>${esc(f.hint)}</dd>`);
  if (f.curl) {
    rows.push(
      `<dt>reproduce</dt><dd class="curl"><pre id="${id}-curl">${esc(f.curl)}</pre>` +
        `<button type="button" class="copy" data-copy="${id}-curl">Copy</button></dd>`,
    );
  }
  if (f.exchangeId !== undefined) {
    const anchor = anchors.get(f.exchangeId);
    rows.push(
      anchor
        ? `<dt>evidence</dt><dd><a href="#${anchor}">exchange ${esc(f.exchangeId)}</a></dd>`
        : `<dt>evidence</dt><dd class="muted">exchange ${esc(f.exchangeId)} (not rendered here; see the JSON report)</dd>`,
    );
  }
  return (
    `<div class="finding ${esc(f.severity)}" id="${id}"><strong><code>${esc(f.code)}</code></strong> ` +
    `<span class="badge ${f.severity === 'error' ? 'failed' : f.severity === 'warning' ? 'warned' : 'skipped'}">${esc(f.severity)}</span>` +
    ` ${esc(f.message)}${count}<dl>${rows.join('')}</dl></div>`
  );
}
