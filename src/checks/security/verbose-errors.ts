import type { HttpRequest } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import type { SecuritySession } from './session.js';

/** Characters that break naive SQL, JSON, HTML and template handling. */
export const HOSTILE = `'"<>{}\\;--`;

/** A request that should be refused with a plain 4xx, and what was malformed in it. */
interface Malformed {
  what: string;
  request: HttpRequest;
}

/**
 * Provokes errors with malformed input (hostile characters in path and query parameters, broken JSON
 * bodies). Every answer is scanned by the session (stack traces, SQL errors, debug pages are
 * findings); a 5xx is a finding too: bad input is the client's fault and must get a 4xx.
 */
export async function probeVerboseErrors(session: SecuritySession): Promise<void> {
  const cases = session.baseline
    .flatMap((s) => malformedOf(session, s.op, s.request))
    .slice(0, session.limits.maxOperations);
  for (const [i, c] of cases.entries()) {
    if (session.signal.aborted) return;
    session.ctx.progress(`malformed input to ${c.request.operation}`, i, cases.length);
    const op = session.spec.operation(c.request.operation ?? '');
    if (!op) continue;
    const res = await session.send(op, c.request);
    if (!res || res.status < 500) continue;
    session.add(
      {
        code: 'errors.server-error',
        severity: 'warning',
        message: `${op.id} answered ${res.status} to ${c.what}`,
        operation: op.id,
        pointer: 'status',
        expected: '4xx for malformed input',
        actual: String(res.status),
        hint: 'Validate input before using it and answer 400 or 422 with a short, generic message.',
        curl: res.curl,
      },
      res,
    );
  }
}

function malformedOf(session: SecuritySession, op: Operation, request: HttpRequest): Malformed[] {
  const out: Malformed[] = [];
  const path = op.parameters.filter((p) => p.in === 'path').at(-1);
  if (path) {
    const segments = request.url.split('/');
    // The last path parameter is the last templated segment; replacing it keeps the route.
    const templated = op.path.split('/');
    const at = templated.lastIndexOf(`{${path.name}}`);
    if (at >= 0 && at < segments.length) {
      segments[at] = encodeURIComponent(HOSTILE);
      out.push({
        what: `hostile characters in path parameter ${path.name}`,
        request: { ...request, url: segments.join('/') },
      });
    }
  }
  const query = op.parameters.find((p) => p.in === 'query');
  if (query) {
    out.push({
      what: `hostile characters in query parameter ${query.name}`,
      request: { ...request, query: { ...request.query, [query.name]: HOSTILE } },
    });
  }
  const json = Object.keys(op.requestBody?.content ?? {}).some((m) => /json/i.test(m));
  if (json && !session.env.production) {
    out.push({
      what: 'a truncated JSON body',
      request: {
        ...request,
        body: '{"gangway": [1, 2',
        headers: { ...request.headers, 'content-type': 'application/json' },
      },
    });
  }
  return out;
}
