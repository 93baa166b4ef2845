import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { judgeStatus } from './judge.js';

const CURL = 'curl -H "authorization: [REDACTED]" https://api.example/payments';

function op(secured: boolean): Operation {
  return {
    id: 'createPayment',
    method: 'POST',
    path: '/payments',
    key: 'POST /payments',
    tags: [],
    deprecated: false,
    parameters: [],
    responses: [],
    security: secured ? [{ bearer: [] }] : [],
    pointer: '',
  };
}

/** A fake response: judgeStatus reads status and curl. */
function response(status: number): HttpResponse {
  return {
    status,
    headers: {},
    body: Buffer.alloc(0),
    text: () => '',
    json: () => undefined,
    contentType: undefined,
    timings: { total: 1 },
    exchange: {
      id: 'ex1',
      startedAt: '2025-01-01T00:00:00.000Z',
      request: { method: 'POST', url: 'https://api.example/payments', headers: {} },
      timings: { total: 1 },
      traceId: '0'.repeat(32),
    },
    curl: CURL,
  };
}

describe('judgeStatus', () => {
  const rows: {
    name: string;
    status: number;
    secured: boolean;
    hasCredentials: boolean;
    code?: string;
    severity?: string;
  }[] = [
    { name: '200 → nothing', status: 200, secured: true, hasCredentials: true },
    { name: '201 → nothing', status: 201, secured: false, hasCredentials: false },
    {
      name: '404 → nothing here (the spec validation judges it)',
      status: 404,
      secured: true,
      hasCredentials: true,
    },
    { name: '409 → nothing', status: 409, secured: true, hasCredentials: true },
    {
      name: '500 → server error',
      status: 500,
      secured: true,
      hasCredentials: true,
      code: 'response.server-error',
      severity: 'error',
    },
    {
      name: '503 without credentials → still a server error',
      status: 503,
      secured: true,
      hasCredentials: false,
      code: 'response.server-error',
      severity: 'error',
    },
    {
      name: '401 on a secured operation with credentials → refused',
      status: 401,
      secured: true,
      hasCredentials: true,
      code: 'auth.credentials-refused',
      severity: 'error',
    },
    {
      name: '403 on a secured operation with credentials → refused',
      status: 403,
      secured: true,
      hasCredentials: true,
      code: 'auth.credentials-refused',
      severity: 'error',
    },
    {
      name: '401 when no credentials are configured → nothing (expected)',
      status: 401,
      secured: true,
      hasCredentials: false,
    },
    {
      name: '401 on an unsecured operation → nothing here',
      status: 401,
      secured: false,
      hasCredentials: true,
    },
    {
      name: '400 → valid request rejected (error)',
      status: 400,
      secured: true,
      hasCredentials: true,
      code: 'request.rejected',
      severity: 'error',
    },
    {
      name: '422 → valid request rejected (error)',
      status: 422,
      secured: false,
      hasCredentials: false,
      code: 'request.rejected',
      severity: 'error',
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const findings = judgeStatus(op(row.secured), response(row.status), {
        hasCredentials: row.hasCredentials,
      });
      if (!row.code) {
        assert.deepEqual(findings, []);
        return;
      }
      assert.equal(findings.length, 1);
      const [f] = findings;
      assert.equal(f?.code, row.code);
      assert.equal(f?.severity, row.severity);
      assert.equal(f?.operation, 'createPayment');
      assert.equal(f?.pointer, 'status');
      assert.equal(f?.actual, String(row.status));
      assert.equal(f?.curl, CURL);
      assert.ok(f?.message.includes(String(row.status)), f?.message);
      assert.ok(f?.hint && f.hint.length > 0);
    });
  }
});

describe('a valid request refused with 422', () => {
  const documented: Operation = {
    ...op(false),
    responses: [
      {
        status: '422',
        description:
          'The body is invalid (`validation_failed`), or the amount is more than what remains (`refund_exceeds_remaining`).',
        headers: {},
        content: {},
        links: {},
      },
    ],
  };
  const refusal = (body: unknown) => ({ ...response(422), json: () => body });

  test('by a business rule the spec documents for that status: info request.business-rule', () => {
    const [f] = judgeStatus(documented, refusal({ type: 'https://p.example/refund_exceeds_remaining' }), {
      hasCredentials: false,
    });
    assert.equal(f?.code, 'request.business-rule');
    assert.equal(f?.severity, 'info');
    assert.match(f?.message ?? '', /refund_exceeds_remaining/);
  });

  test('as invalid, or by a rule the spec does not state: error request.rejected', () => {
    for (const body of [{ type: 'https://p.example/validation_failed' }, { code: 'zone_not_served' }, {}]) {
      const [f] = judgeStatus(documented, refusal(body), { hasCredentials: false });
      assert.equal(f?.code, 'request.rejected', JSON.stringify(body));
      assert.equal(f?.severity, 'error');
      assert.match(f?.hint ?? '', /document it in the spec/);
    }
  });
});
