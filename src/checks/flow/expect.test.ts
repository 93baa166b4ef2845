import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import { type FlowStep, flowStepSchema } from '../../playbook/schema.js';
import { capture, checkExpectations, jsonBody } from './expect.js';

const CURL = 'curl https://api.example/payments';

/** A fake response: only what expectations and captures read. */
function response(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  total = 50,
): HttpResponse {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers,
    body: Buffer.from(text),
    text: () => text,
    json: () => JSON.parse(text),
    contentType: headers['content-type'],
    timings: { total },
    exchange: {
      id: 'ex1',
      startedAt: '2025-01-01T00:00:00.000Z',
      request: { method: 'POST', url: 'https://api.example/payments', headers: {} },
      timings: { total },
      traceId: '0'.repeat(32),
    },
    curl: CURL,
  };
}

const step = (raw: Record<string, unknown>): FlowStep =>
  flowStepSchema.parse({ call: 'createPayment', ...raw });

function check(s: FlowStep, res: HttpResponse): Finding[] {
  return checkExpectations(s, 'createPayment', 'step 1', res, jsonBody(res));
}

describe('jsonBody', () => {
  test('JSON text → value; empty or not JSON → undefined', () => {
    assert.deepEqual(jsonBody(response(200, { a: 1 })), { a: 1 });
    assert.equal(jsonBody(response(204, undefined)), undefined);
    assert.equal(jsonBody(response(200, '<html>')), undefined);
    assert.equal(jsonBody(response(200, 'null')), null);
  });
});

describe('checkExpectations: status', () => {
  const rows: { name: string; expect?: unknown; status: number; ok: boolean; expected?: string }[] = [
    { name: 'default expects 2xx: 201 ok', status: 201, ok: true },
    { name: 'default expects 2xx: 302 fails', status: 302, ok: false, expected: '2xx' },
    { name: 'exact code ok', expect: 202, status: 202, ok: true },
    { name: 'exact code fails on another 2xx', expect: 202, status: 200, ok: false, expected: '202' },
    { name: 'list of codes ok', expect: [200, 409], status: 409, ok: true },
    { name: 'list of codes fails', expect: [200, 409], status: 500, ok: false, expected: '200 or 409' },
    { name: 'class 4xx ok', expect: '4xx', status: 422, ok: true },
    { name: 'class 4xx fails on 500', expect: '4xx', status: 500, ok: false, expected: '4xx' },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const s = step(row.expect === undefined ? {} : { expect: { status: row.expect } });
      const findings = check(s, response(row.status, {}));
      if (row.ok) {
        assert.deepEqual(findings, []);
        return;
      }
      assert.equal(findings.length, 1);
      const [f] = findings;
      assert.equal(f?.code, 'flow.status');
      assert.equal(f?.severity, 'error');
      assert.equal(f?.expected, row.expected);
      assert.equal(f?.actual, String(row.status));
      assert.equal(f?.pointer, 'status');
      assert.equal(f?.operation, 'createPayment');
      assert.equal(f?.curl, CURL);
    });
  }

  test('a wrong status quotes the problem detail and skips body expectations', () => {
    const s = step({ expect: { status: 201, body: { '$.id': { exists: true } } } });
    const findings = check(s, response(400, { title: 'Bad Request', detail: 'amount must be positive' }));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.message, 'step 1: createPayment answered 400 ("amount must be positive")');
  });
});

describe('checkExpectations: headers, body, latency', () => {
  test('header matchers read lower-case names; numbers compare as header text', () => {
    const s = step({
      expect: { headers: { 'Content-Type': { contains: 'json' }, 'X-Count': 3, Location: { exists: true } } },
    });
    const ok = check(
      s,
      response(201, {}, { 'content-type': 'application/json', 'x-count': '3', location: '/p/1' }),
    );
    assert.deepEqual(ok, []);
    const bad = check(s, response(201, {}, { 'content-type': 'text/html', 'x-count': '4' }));
    assert.deepEqual(
      bad.map((f) => [f.code, f.pointer, f.expected, f.actual]),
      [
        ['flow.header', 'header:Content-Type', 'containing "json"', '"text/html"'],
        ['flow.header', 'header:X-Count', '"3"', '"4"'],
        ['flow.header', 'header:Location', 'present', 'absent'],
      ],
    );
  });

  test('body matchers: one finding per failing path, with a JSON pointer', () => {
    const s = step({
      expect: {
        body: {
          '$.status': 'captured',
          '$.amount': { gt: 0 },
          '$.items[0].sku': { type: 'string' },
          '$.error': { exists: false },
        },
      },
    });
    const ok = check(s, response(200, { status: 'captured', amount: 5, items: [{ sku: 'a' }] }));
    assert.deepEqual(ok, []);
    const bad = check(s, response(200, { status: 'failed', amount: '5', error: 'x' }));
    assert.deepEqual(
      bad.map((f) => [f.code, f.pointer, f.expected, f.actual]),
      [
        ['flow.body', '/status', '"captured"', '"failed"'],
        ['flow.body', '/amount', '> 0', '"5"'],
        ['flow.body', '/items/0/sku', 'type "string"', 'absent'],
        ['flow.body', '/error', 'absent', '"x"'],
      ],
    );
    assert.match(
      bad[0]?.message ?? '',
      /^step 1: \$\.status of createPayment is "failed", expected "captured"$/,
    );
  });

  test('body matchers on a non-JSON body see every path as absent', () => {
    const s = step({ expect: { body: { '$.id': { exists: true } } } });
    const bad = check(s, response(200, 'not json'));
    assert.equal(bad[0]?.actual, 'absent');
  });

  test('maxLatency: over budget is a finding, within is not', () => {
    const s = step({ expect: { maxLatency: '1s' } });
    assert.deepEqual(check(s, response(200, {}, {}, 999)), []);
    const slow = check(s, response(200, {}, {}, 1200.4));
    assert.equal(slow.length, 1);
    assert.equal(slow[0]?.code, 'flow.latency');
    assert.equal(slow[0]?.expected, '≤ 1s');
    assert.equal(slow[0]?.actual, '1200ms');
  });
});

describe('capture', () => {
  test('JSONPath, header and status captures; what is absent is listed as missing', () => {
    const s = step({
      capture: {
        paymentId: '$.id',
        amount: '$.amount',
        first: '$.items[0]',
        where: 'header: Location',
        code: 'status',
        nope: '$.missing',
        noHeader: 'header:X-Nope',
      },
    });
    const res = response(201, { id: 'p_1', amount: 0, items: [null] }, { location: '/payments/p_1' });
    assert.deepEqual(capture(s, res, jsonBody(res)), {
      values: { paymentId: 'p_1', amount: 0, first: null, where: '/payments/p_1', code: 201 },
      missing: [
        { name: 'nope', from: '$.missing' },
        { name: 'noHeader', from: 'header:X-Nope' },
      ],
    });
  });

  test('no capture block → nothing captured, nothing missing', () => {
    const res = response(200, {});
    assert.deepEqual(capture(step({}), res, {}), { values: {}, missing: [] });
  });
});
