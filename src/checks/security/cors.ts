import type { HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import type { SecuritySession } from './session.js';

/** The origin a hostile page would send from. */
export const EVIL_ORIGIN = 'https://evil.example';

const PER_CHECK = 3;

/**
 * Sends a few accepted requests again from a hostile origin (and from "null", what sandboxed frames
 * send), plainly and as a preflight: the origin must not be allowed together with credentials.
 */
export async function probeCors(session: SecuritySession): Promise<void> {
  const targets = session.baseline
    .filter((s) => s.op.method === 'GET' && s.response.status >= 200 && s.response.status < 300)
    .slice(0, PER_CHECK);
  for (const { op, request } of targets) {
    for (const origin of [EVIL_ORIGIN, 'null']) {
      if (session.signal.aborted) return;
      const plain = await session.send(op, { ...request, headers: { ...request.headers, origin } });
      if (plain) judge(session, op, origin, plain);
      const preflight = await session.send(op, {
        method: 'OPTIONS',
        url: request.url,
        operation: op.id,
        auth: false,
        headers: {
          origin,
          'access-control-request-method': op.method,
          'access-control-request-headers': 'authorization',
        },
      });
      if (preflight) judge(session, op, origin, preflight);
    }
  }
}

function judge(session: SecuritySession, op: Operation, origin: string, res: HttpResponse): void {
  const allowed = res.headers['access-control-allow-origin']?.trim();
  if (allowed === undefined) return;
  const credentials = /^\s*true\s*$/i.test(res.headers['access-control-allow-credentials'] ?? '');
  const reflected = allowed === origin;
  const wildcard = allowed === '*';
  if (!reflected && !wildcard) return;
  const kind = res.exchange.request.method === 'OPTIONS' ? 'preflight' : 'request';
  if (credentials) {
    session.add(
      {
        code: 'cors.credentials-any-origin',
        severity: 'error',
        message: `${op.id}: a ${kind} from Origin ${origin} is allowed (${allowed}) with Access-Control-Allow-Credentials: true`,
        operation: op.id,
        pointer: 'header:access-control-allow-origin',
        expected: 'no credentialed access for an untrusted origin',
        actual: `Access-Control-Allow-Origin: ${allowed}; Access-Control-Allow-Credentials: true`,
        hint: 'Allow credentials only for an explicit allow-list of trusted origins; never reflect the Origin header.',
        curl: res.curl,
      },
      res,
    );
  } else if (reflected) {
    session.add(
      {
        code: 'cors.origin-reflected',
        severity: 'warning',
        message: `${op.id}: a ${kind} from Origin ${origin} has it reflected in Access-Control-Allow-Origin`,
        operation: op.id,
        pointer: 'header:access-control-allow-origin',
        expected: 'an allow-list of origins, not the request Origin echoed back',
        actual: `Access-Control-Allow-Origin: ${allowed}`,
        hint: 'Check the Origin against an allow-list instead of reflecting it.',
        curl: res.curl,
      },
      res,
    );
  }
}
