// A run followed live: its events as they arrive, read from the SSE endpoint with fetch.
import { explain, followRun } from '../api.js';
import { badge, h, replace } from '../dom.js';

/**
 * One event as a line of the live log.
 * @param {string} type
 * @param {any} data
 * @returns {(string | Node | null)[]}
 */
function describeEvent(type, data) {
  switch (type) {
    case 'run.started':
      return [
        `Run started: ${data?.run?.checks?.length ?? 0} checks in stage ${data?.run?.stage?.id ?? '?'}`,
      ];
    case 'check.started':
      return [`${data.checkId}: started (${data.kind})`];
    case 'check.progress':
      return [`${data.checkId}: ${data.message}`, data.total ? ` (${data.done ?? 0}/${data.total})` : null];
    case 'check.finished':
      return [`${data.checkId}: `, badge(String(data.outcome)), ` ${data.summary}`];
    case 'gate.evaluated':
      return [
        'Gate of this run: ',
        badge(String(data.verdict)),
        data.reasons?.length ? ` ${data.reasons.join('; ')}` : null,
      ];
    case 'run.finished':
      return ['Run finished: ', badge(String(data.outcome))];
    case 'run.error':
      return [`Run error: ${data?.message ?? JSON.stringify(data)}`];
    case 'end':
      return [`Stream ended; run ${data.status}.`];
    default:
      return [`${type}: ${JSON.stringify(data)}`];
  }
}

/**
 * Shows a run's events in `host` as they happen; resolves with the final status once the stream ends.
 * @param {HTMLElement} host
 * @param {string} runId
 * @param {AbortSignal} signal
 * @returns {Promise<string | undefined>}
 */
export async function showLiveRun(host, runId, signal) {
  const status = h('p', { class: 'live-status', 'data-status': 'running' }, 'Waiting for a worker…');
  const log = h('ol', { class: 'live-log' });
  replace(host, h('section', { class: 'live', 'data-run': runId }, h('h3', {}, `Run ${runId}`), status, log));
  /** @type {string | undefined} */
  let final;
  try {
    await followRun(
      runId,
      (type, data) => {
        log.appendChild(h('li', { 'data-event': type }, describeEvent(type, data)));
        if (type === 'run.started') replace(status, 'Running…');
        if (type === 'end') {
          final = String(data?.status ?? 'unknown');
          replace(status, 'Finished: ', badge(final));
          status.setAttribute('data-status', final);
        }
      },
      signal,
    );
  } catch (error) {
    if (signal.aborted) return undefined;
    replace(status, `Lost the live view: ${explain(error)}`);
    status.setAttribute('data-status', 'lost');
  }
  return final;
}
