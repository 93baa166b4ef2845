// The incidents part of the metrics view: MTTA, MTTR, counts by severity and detector, clock breaches,
// defect escape rate (the `operations` object of GET /api/v1/metrics).
import { duration, fact, h, table } from '../dom.js';

/** @param {number | null} rate */
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10} %`);

/**
 * A count per key, biggest first.
 * @param {Record<string, number>} counts
 * @param {string} heading
 * @param {string} empty
 */
function counts(counts, heading, empty) {
  const rows = Object.entries(counts ?? {})
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, n]) => [key, String(n)]);
  return table([heading, 'Incidents'], rows, empty);
}

/**
 * @param {{ count: number, mean: number | null, p50: number | null, p90: number | null }} stats
 * @param {string} over what the figure is counted over
 */
function stat(stats, over) {
  return [
    duration(stats.p50),
    h(
      'small',
      {},
      ` median · mean ${duration(stats.mean)} · 90th ${duration(stats.p90)} · over ${stats.count} ${over}`,
    ),
  ];
}

/**
 * The operations section; nothing when the service predates incidents.
 * @param {any} ops
 */
export function opsMetrics(ops) {
  if (!ops) return null;
  const escaped = ops.defectEscape;
  return h(
    'section',
    { id: 'ops-metrics' },
    h('h2', {}, 'Incidents'),
    h(
      'dl',
      { class: 'facts', id: 'ops-figures' },
      fact('Incidents', String(ops.incidents)),
      fact('MTTA', h('span', { id: 'mtta' }, stat(ops.mtta, 'acknowledged'))),
      fact('MTTR', h('span', { id: 'mttr' }, stat(ops.mttr, 'resolved'))),
      fact(
        'Defect escape rate',
        h('span', { id: 'defect-escape' }, percent(escaped.rate)),
        h(
          'small',
          {},
          ` ${escaped.escaped} of ${escaped.productionIncidents} production incidents passed a matching onboarding check`,
        ),
      ),
    ),
    h('h3', {}, 'By severity'),
    h('div', { id: 'by-severity' }, counts(ops.bySeverity, 'Severity', 'No incidents.')),
    h('h3', {}, 'By detector'),
    h('div', { id: 'by-detector' }, counts(ops.byDetectorKind, 'Detector kind', 'No incidents.')),
    h('h3', {}, 'Clock breaches'),
    h('div', { id: 'breaches' }, counts(ops.breachesByClock, 'Clock', 'No clock was breached.')),
  );
}
