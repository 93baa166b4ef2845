// A run: its check results with outcomes and findings, links to their evidence; followed live while it runs.
import { get } from '../api.js';
import { badge, duration, fact, h, link, replace, table, when } from '../dom.js';
import { showLiveRun } from './live.js';
import { short } from './onboarding.js';

const FINAL = new Set(['passed', 'failed', 'errored', 'interrupted']);

/**
 * @param {import('../app.js').ViewContext} ctx
 * @param {string} runId
 */
export async function renderRun(ctx, runId) {
  const { signal, view } = ctx;
  const path = `/runs/${encodeURIComponent(runId)}`;
  const [run, results] = await Promise.all([get(path, {}, signal), get(`${path}/results`, {}, signal)]);
  const live = h('div', { class: 'live-host', id: 'live' });
  replace(
    view,
    h('h1', {}, `Run ${short(run.id)} `, badge(run.status)),
    h(
      'dl',
      { class: 'facts' },
      fact('Run', run.id),
      fact('Onboarding', link(['onboardings', run.onboardingId], run.onboardingId)),
      fact('Partner', run.partnerId),
      fact('Stage', run.stage),
      fact('Environment', run.environment ?? '—'),
      fact('Source', run.source),
      fact('Queued', when(run.createdAt), ` by ${run.createdBy}`),
      fact('Started', when(run.startedAt)),
      fact('Finished', when(run.finishedAt)),
      fact('Attempts', String(run.attempts)),
      fact('Evidence hash', run.evidenceHash ? h('code', {}, run.evidenceHash) : '—'),
    ),
    live,
    h('h2', {}, 'Check results'),
    results.items.length === 0
      ? h('p', { class: 'empty' }, FINAL.has(run.status) ? 'No results were stored.' : 'No results yet.')
      : results.items.map(resultCard),
  );
  if (!FINAL.has(run.status)) {
    // Follow it here, then read the finished run again.
    void showLiveRun(live, run.id, signal).then((status) => {
      if (status && !signal.aborted) ctx.reload();
    });
  }
}

/** @param {any} result */
function resultCard(result) {
  return h(
    'article',
    { class: 'result', 'data-check': result.checkId },
    h('h3', {}, result.title || result.checkId, ' ', badge(result.outcome)),
    h(
      'p',
      { class: 'meta' },
      `${result.checkId} · ${result.kind} · ${result.required ? 'required' : 'optional'} · ${duration(result.durationMs)}`,
    ),
    h('p', { class: 'summary' }, result.summary),
    result.error ? h('p', { class: 'error' }, `${result.error.code}: ${result.error.message}`) : null,
    result.thresholds.length
      ? table(
          ['Threshold', 'Actual', 'Passed'],
          result.thresholds.map((/** @type {any} */ t) => [
            t.expression,
            t.actual ?? '—',
            t.passed ? 'yes' : 'no',
          ]),
        )
      : null,
    h('h4', {}, `Findings (${result.findings.length})`),
    table(
      ['Severity', 'Code', 'Operation', 'Pointer', 'Message', 'Hint'],
      result.findings.map((/** @type {any} */ f) => [
        badge(f.severity),
        h('code', {}, f.code),
        f.operation ?? '—',
        f.pointer ? h('code', {}, f.pointer) : '—',
        [
          f.message,
          f.expected || f.actual
            ? h('small', {}, ` expected ${f.expected ?? '?'}, got ${f.actual ?? '?'}`)
            : null,
        ],
        f.hint ?? '—',
      ]),
      'No findings.',
    ),
    result.evidenceSha ? h('p', {}, link(['results', result.id, 'evidence'], 'Evidence')) : null,
  );
}

/**
 * A check result's evidence: the recorded (redacted) exchanges.
 * @param {import('../app.js').ViewContext} ctx
 * @param {string} resultId
 */
export async function renderEvidence(ctx, resultId) {
  const { signal, view } = ctx;
  const path = `/results/${encodeURIComponent(resultId)}`;
  const [result, evidence] = await Promise.all([get(path, {}, signal), get(`${path}/evidence`, {}, signal)]);
  replace(
    view,
    h('h1', {}, `Evidence of ${result.checkId}`),
    h('p', {}, link(['runs', result.runId], `Back to run ${short(result.runId)}`)),
    evidence.truncated ? h('p', { class: 'notice' }, 'The evidence was truncated when stored.') : null,
    h('h2', {}, `Exchanges (${evidence.exchanges.length})`),
    table(
      ['Operation', 'Request', 'Status', 'Time'],
      evidence.exchanges.map((/** @type {any} */ x) => [
        x.operation ?? '—',
        `${x.request?.method ?? '?'} ${x.request?.url ?? ''}`,
        x.response ? String(x.response.status) : (x.error?.code ?? 'no response'),
        duration(x.timings?.total),
      ]),
      'No exchanges were recorded.',
    ),
    h('h2', {}, 'Raw'),
    h('pre', { class: 'raw' }, JSON.stringify(evidence, null, 2)),
  );
}
