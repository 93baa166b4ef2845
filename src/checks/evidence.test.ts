import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Exchange, Finding } from '../core/result.js';
import type { HttpResponse } from '../http/types.js';
import type { Operation, SpecIssue } from '../openapi/types.js';
import { Evidence, findingFromIssue, forValidation } from './evidence.js';

function exchange(id: string): Exchange {
  return {
    id,
    startedAt: '2025-01-01T00:00:00.000Z',
    request: { method: 'GET', url: 'https://api.example/x', headers: {} },
    timings: { total: 1 },
    traceId: '0'.repeat(32),
  };
}

function response(status: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers,
    body: Buffer.from(text),
    text: () => text,
    json: () => JSON.parse(text),
    contentType: headers['content-type'],
    timings: { total: 1 },
    exchange: exchange('ex-res'),
    curl: 'curl https://api.example/x',
  };
}

const op = { id: 'getPayment', method: 'GET', path: '/payments/{id}', security: [] } as unknown as Operation;

const finding = (actual: string, code = 'response.body.schema'): Finding => ({
  code,
  severity: 'error',
  message: 'm',
  operation: 'getPayment',
  pointer: '/amount',
  expected: 'integer',
  actual,
});

describe('Evidence', () => {
  test('keeps exchanges up to its bound, counts the rest, still returns their ids', () => {
    const e = new Evidence(2);
    assert.equal(e.keep(exchange('a')), 'a');
    assert.equal(e.keep(exchange('b')), 'b');
    assert.equal(e.keep(exchange('c')), 'c');
    assert.deepEqual(
      e.exchanges.map((x) => x.id),
      ['a', 'b'],
    );
    assert.equal(e.droppedExchanges, 1);
  });

  test('the same exchange kept twice is stored once', () => {
    const e = new Evidence();
    e.keep(exchange('a'));
    e.keep(exchange('a'));
    assert.equal(e.exchanges.length, 1);
    assert.equal(e.droppedExchanges, 0);
  });

  test('identical findings merge into one with a count; different actuals stay apart', () => {
    const e = new Evidence();
    e.add(finding('"12"'), exchange('a'));
    e.add(finding('"12"'), exchange('b'));
    e.add(finding('"12"'));
    e.add(finding('null'));
    assert.equal(e.findings.length, 2);
    assert.equal(e.findings[0]?.count, 3);
    assert.equal(e.findings[0]?.exchangeId, 'a');
    assert.equal(e.findings[1]?.count, undefined);
    assert.deepEqual(
      e.exchanges.map((x) => x.id),
      ['a'],
      'a merged finding does not keep its exchange',
    );
  });

  test('a finding does not get mutated by the merge (the stored copy does)', () => {
    const e = new Evidence();
    const first = finding('x');
    e.add(first, exchange('a'));
    e.add(finding('x'));
    assert.equal(first.count, undefined);
    assert.equal(first.exchangeId, undefined);
  });

  test('addSpecIssues: one finding per issue, pointing at the response exchange', () => {
    const e = new Evidence();
    const issues: SpecIssue[] = [
      {
        code: 'body.schema',
        message: 'amount must be integer',
        pointer: '/amount',
        expected: 'integer',
        actual: '"12"',
      },
      { code: 'status.undocumented', message: '418 is not documented', pointer: 'status' },
    ];
    e.addSpecIssues(issues, op, response(418, '{}'));
    assert.deepEqual(
      e.findings.map((f) => [f.code, f.pointer, f.exchangeId]),
      [
        ['response.body.schema', '/amount', 'ex-res'],
        ['response.status.undocumented', 'status', 'ex-res'],
      ],
    );
    assert.equal(e.exchanges.length, 1);
  });
});

describe('findingFromIssue', () => {
  test('maps code, keeps expected/actual, adds a hint and the curl line', () => {
    const f = findingFromIssue(
      { code: 'header.missing', message: 'no Location', pointer: 'header:Location', expected: 'present' },
      op,
      response(201, ''),
    );
    assert.deepEqual(f, {
      code: 'response.header.missing',
      severity: 'error',
      message: 'no Location',
      operation: 'getPayment',
      pointer: 'header:Location',
      expected: 'present',
      hint: 'Send the required response header, or mark it optional in the spec.',
      curl: 'curl https://api.example/x',
    });
  });

  test('a value matching several oneOf alternatives points at the spec', () => {
    const f = findingFromIssue(
      {
        code: 'body.schema',
        message: 'expected exactly one oneOf alternative, got matches alternatives 0 and 1',
        pointer: '',
        expected: 'exactly one oneOf alternative',
        actual: 'matches alternatives 0 and 1',
      },
      op,
      response(200, '{}'),
    );
    assert.match(f.hint ?? '', /spec should make them exclusive/);
  });

  test('an unknown issue code gets the generic hint', () => {
    const f = findingFromIssue({ code: 'something.new', message: 'm', pointer: '' }, op, response(200, ''));
    assert.equal(f.hint, 'Align the API and its spec.');
    assert.equal('actual' in f, false);
  });
});

describe('forValidation', () => {
  test("status, headers, raw text and the response's own cached parse", () => {
    let parses = 0;
    const res = response(200, '{"a":1}', { 'content-type': 'application/json' });
    const parsed = { a: 1 };
    res.json = () => {
      parses += 1;
      return parsed;
    };
    const { json, ...rest } = forValidation(res);
    assert.deepEqual(rest, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(json?.(), parsed, 'the validator reads the value the response already parsed');
    assert.equal(parses, 1);
  });
});
