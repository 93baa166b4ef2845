import type { ClientFinding } from '../observation.js';
import type { Traffic } from './traffic.js';
import { isTokenCall } from './traffic.js';
import { finding, judged, notJudged, type Verdict } from './verdict.js';

/**
 * Conformance: every request must match an operation of the spec and validate against it. Routes are known only
 * when the proxy had a spec (some exchange matched an operation or carries conformance problems). A request that
 * matched no operation is an undocumented call (warning: the spec may be the one behind); one that matched and
 * does not validate is an error. The token endpoint is usually not in the API's spec and is left out.
 */
export function judgeConformance(traffic: Traffic, client: string): Verdict {
  const { options } = traffic;
  const mine = (traffic.byClient.get(client) ?? []).filter(
    (x) => x.operation !== undefined || !isTokenCall(x, options),
  );
  const specKnown = traffic.all.some((x) => x.operation !== undefined || x.conformance.length > 0);
  if (!specKnown) {
    return notJudged(
      'conformance',
      'no request matched an operation: the proxy ran without a spec (start it with --spec)',
    );
  }
  if (mine.length === 0) return notJudged('conformance', 'the client called only the token endpoint');
  const invalid = mine.filter((x) => x.operation !== undefined && x.conformance.length > 0);
  const unmatched = mine.filter((x) => x.operation === undefined);
  const findings: ClientFinding[] = [];
  if (invalid.length > 0) {
    const problems = new Map<string, number>();
    for (const x of invalid) {
      for (const p of x.conformance) {
        const where = `${x.operation ?? `${x.method} ${x.url}`} ${p.pointer}`.trim();
        const text = `${where}: ${p.message}`;
        problems.set(text, (problems.get(text) ?? 0) + 1);
      }
    }
    const top = [...problems.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([text, n]) => (n > 1 ? `${text} (×${n})` : text));
    findings.push(
      finding(
        'client.request-nonconformant',
        'error',
        `${invalid.length} of ${mine.length} request(s) do not conform to the spec: ${top.join('; ')}`,
        'Fix the request at the pointer shown (required fields, types, formats, parameters) to match the operation in the spec; validate requests against the spec in your own tests.',
        invalid,
        options.maxEvidence,
      ),
    );
  }
  if (unmatched.length > 0) {
    const routes = [...new Set(unmatched.map((x) => `${x.method} ${x.url.split('?')[0]}`))].slice(0, 3);
    findings.push(
      finding(
        'client.request-nonconformant',
        'warning',
        `${unmatched.length} request(s) matched no operation of the spec (${routes.join(', ')})`,
        'Call only documented operations; check the path, the method and the base path against the spec.',
        unmatched,
        options.maxEvidence,
      ),
    );
  }
  const checked = mine.filter((x) => x.operation !== undefined).length;
  return judged('conformance', findings, `${checked} request(s) validated against the spec`);
}
