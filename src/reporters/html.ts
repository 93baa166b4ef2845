import { formatDuration } from '../core/duration.js';
import { OUTCOMES } from '../core/result.js';
import type { RunReport } from '../runner/events.js';
import { renderCheck } from './html-check.js';
import { esc } from './html-escape.js';
import { CSP, SCRIPT, STYLE } from './html-style.js';
import { writeFileAtomic } from './write-file.js';

/**
 * The run as one self-contained HTML file: opens offline, loads nothing, runs only its own inline
 * script (pinned by hash in the CSP). Everything from the target is escaped and size-capped.
 */
export function renderHtml(report: RunReport): string {
  const run = report.run;
  const name = run.playbook ? run.playbook.title || run.playbook.name : 'Gangway run';
  const title = `${name} · ${run.stage.id} · gate ${report.gate.verdict}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    header(report),
    filters(report),
    ...report.checks.map((result, i) => renderCheck(result, i)),
    report.checks.length === 0 ? '<p class="muted">No check produced a result.</p>' : '',
    `<footer class="muted"><p>Gangway ${esc(report.tool.version)} · report format ${esc(report.formatVersion)}</p></footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes the HTML report atomically, creating parent directories. */
export async function writeHtmlReport(report: RunReport, path: string): Promise<void> {
  await writeFileAtomic(path, renderHtml(report));
}

function header(report: RunReport): string {
  const { run, gate } = report;
  const playbook = run.playbook;
  const heading = playbook
    ? `${esc(playbook.title || playbook.name)} <span class="muted">${esc(playbook.name)} ${esc(playbook.version)}</span>`
    : 'Gangway run';
  const runOutcome =
    report.outcome === 'errored' || report.outcome === 'cancelled' || report.interrupted
      ? `<span class="run-outcome errored">run ${esc(report.outcome)}${report.interrupted ? ' (interrupted: results are partial)' : ''}</span>`
      : '';
  const meta: [string, string | undefined][] = [
    ['stage', run.stage.title ? `${run.stage.id} — ${run.stage.title}` : run.stage.id],
    ['environment', run.environment ? `${run.environment.name} (${run.environment.baseUrl})` : undefined],
    ['spec', run.spec ? `${run.spec.title} ${run.spec.version} (${run.spec.format})` : undefined],
    ['playbook file', playbook?.file],
    ['started', report.startedAt],
    ['duration', formatDuration(report.durationMs)],
    ['run id', run.runId],
    ['seed', String(run.seed)],
  ];
  const metaRows = meta
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([label, value]) => `<dt>${label}</dt><dd>${esc(value)}</dd>`)
    .join('');
  const pending =
    gate.signoffs.pending.length > 0
      ? `<p>Sign-offs pending: <strong>${esc(gate.signoffs.pending.join(', '))}</strong>${
          gate.signoffs.evaluated ? '' : ' <span class="muted">(recorded by the Gangway service)</span>'
        }</p>`
      : '';
  const list = (cls: string, items: string[]): string =>
    items.length === 0 ? '' : `<ul class="${cls}">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  return [
    '<header>',
    `<h1>${heading}</h1>`,
    `<div><span class="verdict ${gate.verdict === 'open' ? 'open' : 'blocked'}">Gate ${esc(gate.stageId)}: ${gate.verdict === 'open' ? 'OPEN' : 'BLOCKED'}</span>${runOutcome}</div>`,
    list('reasons', gate.reasons),
    list('notes', gate.notes),
    pending,
    counts(report),
    `<dl class="meta">${metaRows}</dl>`,
    '</header>',
  ]
    .filter((p) => p !== '')
    .join('\n');
}

function counts(report: RunReport): string {
  const badges = OUTCOMES.map((o) => `<span class="badge ${o}">${esc(report.counts[o])} ${o}</span>`).join(
    '',
  );
  return `<p class="counts">${badges} <span class="muted">of ${report.checks.length} checks</span></p>`;
}

function filters(report: RunReport): string {
  if (report.checks.length === 0) return '';
  const present = OUTCOMES.filter((o) => report.counts[o] > 0);
  const buttons = [
    '<button type="button" data-filter="all" aria-pressed="true">all</button>',
    ...present.map((o) => `<button type="button" data-filter="${o}" aria-pressed="false">${o}</button>`),
    '<button type="button" data-open="true">expand all</button>',
    '<button type="button" data-open="false">collapse all</button>',
  ];
  return `<nav class="filters">${buttons.join('')}</nav>`;
}
