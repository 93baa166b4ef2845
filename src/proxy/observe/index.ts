import type { ClientReport, ObservedExchange } from '../observation.js';
import { judgeBackoff } from './judge-backoff.js';
import { judgeCircuit } from './judge-circuit.js';
import { judgeConformance } from './judge-conformance.js';
import { judgeKeyPresent, judgeKeyReuse } from './judge-idempotency.js';
import { judgeJitter } from './judge-jitter.js';
import { judgeRetryAfter } from './judge-retry-after.js';
import { judgeTimeouts } from './judge-timeouts.js';
import { judgeTokenReuse } from './judge-token.js';
import { judgeUnsafeRetry } from './judge-unsafe-retry.js';
import { type ObserveOptions, resolveObserveOptions } from './options.js';
import { scoreFindings } from './score.js';
import { analyseTraffic } from './traffic.js';
import type { Judge } from './verdict.js';

export {
  type ObserveOptions,
  observeOptionsSchema,
  type ResolvedObserveOptions,
  resolveObserveOptions,
} from './options.js';
export { type RenderFormat, renderClientReports } from './render.js';
export { FINDING_WEIGHTS, findingPenalty, scoreFindings } from './score.js';
export type { Behaviour } from './verdict.js';

/** Every judge, in the order their verdicts are listed in a report. */
export const JUDGES: readonly Judge[] = [
  judgeConformance,
  judgeBackoff,
  judgeJitter,
  judgeRetryAfter,
  judgeKeyPresent,
  judgeKeyReuse,
  judgeUnsafeRetry,
  judgeTokenReuse,
  judgeTimeouts,
  judgeCircuit,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Judges every client seen in the recording: one scored report per client, ordered by client name. */
export function judgeClients(
  exchanges: readonly ObservedExchange[],
  options: ObserveOptions = {},
): ClientReport[] {
  const traffic = analyseTraffic(exchanges, resolveObserveOptions(options));
  const clients = [...traffic.byClient.keys()].sort();
  return clients.map((client) => {
    const report: ClientReport = {
      client,
      requests: traffic.byClient.get(client)?.length ?? 0,
      score: 100,
      findings: [],
      passed: [],
      notJudged: [],
    };
    for (const judge of JUDGES) {
      const verdicts = judge(traffic, client);
      for (const v of Array.isArray(verdicts) ? verdicts : [verdicts]) {
        if (!v.judged) report.notJudged.push({ behaviour: v.behaviour, why: v.why });
        else if (v.findings.some((f) => f.severity !== 'info')) report.findings.push(...v.findings);
        else {
          report.findings.push(...v.findings);
          report.passed.push(v.passedNote ? `${v.behaviour}: ${v.passedNote}` : v.behaviour);
        }
      }
    }
    report.findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    report.score = scoreFindings(report.findings);
    return report;
  });
}
