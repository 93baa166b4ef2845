// Onboarding figures for governance: time to first success, stage durations, pass rates, open waivers;
// then the incidents' figures (ops-metrics.js).
import { get } from '../api.js';
import { duration, fact, h, replace, table, when } from '../dom.js';
import { partnerLabel, partnerNames } from './onboardings.js';
import { opsMetrics } from './ops-metrics.js';

/** @param {number | null} rate */
const percent = (rate) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);

/** @param {import('../app.js').ViewContext} ctx */
export async function renderMetrics(ctx) {
  const { signal, view } = ctx;
  const [m, names] = await Promise.all([get('/metrics', {}, signal), partnerNames(signal)]);
  const ttfs = m.timeToFirstSuccess;
  replace(
    view,
    h('h1', {}, 'Metrics'),
    h('h2', {}, 'Time to first success'),
    h('p', { class: 'hint' }, 'From the start of an onboarding to its first passing sandbox run.'),
    h(
      'dl',
      { class: 'facts', id: 'ttfs' },
      fact('Reached', String(ttfs.count)),
      fact('Pending', String(ttfs.pending)),
      fact('Median', duration(ttfs.p50Ms)),
      fact('90th percentile', duration(ttfs.p90Ms)),
      fact('Longest', duration(ttfs.maxMs)),
    ),
    table(
      ['Partner', 'Onboarding', 'Started', 'First success', 'Took'],
      ttfs.perOnboarding.map((/** @type {any} */ o) => [
        partnerLabel(names, o.partnerId),
        o.onboardingId,
        when(o.startedAt),
        when(o.firstSuccessAt),
        duration(o.ms),
      ]),
      'No onboardings yet.',
    ),
    h('h2', {}, 'Pass rates by stage'),
    h(
      'div',
      { id: 'pass-rates' },
      table(
        ['Stage', 'Passed', 'Finished', 'Rate'],
        m.passRates.map((/** @type {any} */ r) => [
          r.stage,
          String(r.passed),
          String(r.finished),
          percent(r.rate),
        ]),
        'No finished runs yet.',
      ),
    ),
    h('h2', {}, 'Pass rates by check'),
    table(
      ['Check', 'Passed', 'Total', 'Rate'],
      m.checkPassRates.map((/** @type {any} */ r) => [
        r.checkId,
        String(r.passed),
        String(r.total),
        percent(r.rate),
      ]),
      'No check results yet.',
    ),
    h('h2', {}, 'Stage durations'),
    table(
      ['Stage', 'Count', 'Median', '90th percentile', 'Longest'],
      m.stageDurations.map((/** @type {any} */ s) => [
        s.stage,
        String(s.count),
        duration(s.p50Ms),
        duration(s.p90Ms),
        duration(s.maxMs),
      ]),
      'No stage completed yet.',
    ),
    h('h2', {}, 'Waivers'),
    h(
      'dl',
      { class: 'facts', id: 'waivers' },
      fact('Open', String(m.waivers.open)),
      fact('Expiring within 7 days', String(m.waivers.expiringWithin7Days)),
    ),
    opsMetrics(m.operations),
  );
}
