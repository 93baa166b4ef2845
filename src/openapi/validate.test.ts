import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSpec } from './load.js';
import type { ApiSpec, Operation, SpecIssue } from './types.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/openapi');
const JSON_CT = { 'content-type': 'application/json; charset=utf-8' };
const UUID = '3f1c2b9e-1a2b-4c3d-8e9f-001122334455';

const payment = (over: Record<string, unknown> = {}) => ({
  id: UUID,
  amount: 1250,
  currency: 'EUR',
  status: 'pending',
  method: { type: 'card', last4: '4242' },
  ...over,
});

function opOf(spec: ApiSpec, id: string): Operation {
  const op = spec.operation(id);
  assert.ok(op, `operation ${id}`);
  return op;
}

const codes = (issues: SpecIssue[]) => issues.map((i) => i.code);

describe('validateResponse (OpenAPI 3.0 fixture)', async () => {
  const spec = await loadSpec(join(FIXTURES, 'payments-3.0.yaml'));
  const list = opOf(spec, 'listPayments');
  const okHeaders = { ...JSON_CT, 'x-request-id': UUID, 'x-ratelimit-remaining': '10' };
  const validate = (id: string, status: number, body: unknown, headers: Record<string, string> = JSON_CT) =>
    spec.validateResponse(opOf(spec, id), {
      status,
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('a valid response has no issue (nullable fields null, vendor and problem+json types)', () => {
    const nulls = payment({
      description: null,
      riskLevel: null,
      fee: null,
      customer: null,
      capturedAt: null,
    });
    const body = JSON.stringify({ data: [payment(), nulls], next: null });
    assert.deepEqual(spec.validateResponse(list, { status: 200, headers: okHeaders, body }), []);
    const withValues = payment({
      riskLevel: 'low',
      fee: { amount: 0.3, currency: 'EUR' },
      customer: { email: 'a@b.co' },
    });
    assert.deepEqual(validate('createPayment', 201, withValues), []);
    const problem = { title: 'Bad', status: 422 };
    assert.deepEqual(
      validate('createPayment', 422, problem, { 'content-type': 'application/problem+json' }),
      [],
    );
    assert.deepEqual(validate('getPayment', 200, 'plain text', { 'content-type': 'text/plain' }), []);
    assert.deepEqual(validate('getFile', 200, '%PDF-1.4', { 'content-type': 'application/pdf' }), []);
  });

  test('status.undocumented when neither the code, its range nor default is documented', () => {
    const issues = validate('getMe', 500, { a: 1 });
    assert.deepEqual(codes(issues), ['status.undocumented']);
    assert.equal(issues[0]?.pointer, 'status');
    assert.equal(issues[0]?.actual, '500');
    assert.deepEqual(
      codes(
        validate(
          'listPayments',
          503,
          { title: 'x', status: 503 },
          { 'content-type': 'application/problem+json' },
        ),
      ),
      [],
    );
  });

  test('content-type.undocumented for an unlisted media type or a missing Content-Type', () => {
    assert.deepEqual(codes(validate('getMe', 200, '<html/>', { 'content-type': 'text/html' })), [
      'content-type.undocumented',
    ]);
    assert.deepEqual(codes(validate('getMe', 200, { a: 1 }, {})), ['content-type.undocumented']);
    assert.deepEqual(codes(validate('getUser', 200, { email: 'a@b.co', id: 1 }, JSON_CT)), [
      'content-type.undocumented',
    ]);
    assert.deepEqual(
      validate('getUser', 200, { email: 'a@b.co', id: 1 }, { 'content-type': 'application/vnd.acme+json' }),
      [],
    );
  });

  test('header.missing and header.schema', () => {
    const body = JSON.stringify({ data: [], next: null });
    const missing = spec.validateResponse(list, { status: 200, headers: JSON_CT, body });
    assert.deepEqual(codes(missing), ['header.missing']);
    assert.equal(missing[0]?.pointer, 'header:X-Request-Id');
    const bad = spec.validateResponse(list, {
      status: 200,
      headers: { ...JSON_CT, 'x-request-id': 'nope', 'x-ratelimit-remaining': '-1' },
      body,
    });
    assert.deepEqual(codes(bad), ['header.schema', 'header.schema']);
    assert.match(bad[0]?.message ?? '', /^header X-Request-Id: expected format uuid, got string "nope"/);
    assert.equal(bad[1]?.pointer, 'header:X-RateLimit-Remaining');
  });

  test('body.invalid-json', () => {
    const issues = validate('getMe', 200, '{"email": ');
    assert.deepEqual(codes(issues), ['body.invalid-json']);
  });

  test("the caller's parse is validated when it has one; its failure is reported with JSON.parse's reason", () => {
    const op = opOf(spec, 'getMe');
    // The text is not read for the value: the parse handed over is what gets validated.
    const parsed = spec.validateResponse(op, {
      status: 200,
      headers: JSON_CT,
      body: '{}',
      json: () => ({ email: 42 }),
    });
    assert.ok(parsed.length > 0 && codes(parsed).every((c) => c === 'body.schema'), JSON.stringify(parsed));
    assert.ok(
      parsed.some((i) => i.pointer.includes('email')),
      JSON.stringify(parsed),
    );
    const broken = spec.validateResponse(op, {
      status: 200,
      headers: JSON_CT,
      body: '{"email": ',
      json: () => {
        throw new Error('the response body is not valid JSON (for another audience)');
      },
    });
    assert.deepEqual(codes(broken), ['body.invalid-json']);
    assert.doesNotMatch(broken[0]?.message ?? '', /another audience/);
  });

  test('body.missing unless 204, 304 or HEAD', () => {
    assert.deepEqual(codes(validate('getMe', 200, '')), ['body.missing']);
    assert.deepEqual(validate('deletePayment', 204, '', {}), []);
    assert.deepEqual(validate('headPayment', 200, '', JSON_CT), []);
  });

  test('body.schema issues are readable, located and point into the spec', () => {
    const issues = validate('createPayment', 201, payment({ amount: '12', currency: 'euro' }));
    assert.deepEqual(codes(issues), ['body.schema', 'body.schema']);
    const amount = issues.find((i) => i.pointer === '/amount');
    assert.equal(amount?.message, 'expected integer, got string "12" at /amount');
    assert.equal(amount?.expected, 'integer');
    assert.equal(amount?.schemaPath, '#/components/schemas/Payment/properties/amount/type');
    const currency = issues.find((i) => i.pointer === '/currency');
    assert.equal(currency?.expected, 'pattern ^[A-Z]{3}$');
    assert.match(currency?.schemaPath ?? '', /common\.yaml#\/components\/schemas\/Currency\/pattern$/);
  });

  test('missing required property and 3.0 exclusive bound', () => {
    const { currency: _c, ...rest } = payment({ amount: 0 });
    const issues = validate('createPayment', 201, rest);
    const messages = issues.map((i) => i.message).sort();
    assert.deepEqual(
      messages,
      [
        "missing required property 'currency' at /currency",
        'expected number > 0, got number 0 at /amount',
      ].sort(),
    );
  });

  test('a discriminated oneOf: one issue, in the schema its discriminator value names', () => {
    const issues = validate('createPayment', 201, payment({ method: { type: 'card', last4: '12' } }));
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]?.pointer, '/method/last4');
    const unknown = validate('createPayment', 201, payment({ method: { type: 'cash', last4: '1234' } }));
    assert.deepEqual(
      unknown.map((i) => [i.pointer, i.expected]),
      [['/method/type', 'one of "card", "bank_transfer"']],
    );
  });

  test('nullable without null accepted only where declared', () => {
    const issues = validate('createPayment', 201, payment({ amount: null }));
    assert.equal(issues[0]?.message, 'expected integer, got null at /amount');
  });

  test('circular schemas validate at depth', () => {
    const leaf = (id: number, name: unknown = `c${id}`) => ({ id, name, children: [] });
    const tree = { id: 1, name: 'root', parent: null, children: [{ id: 2, name: 'a', children: [leaf(3)] }] };
    assert.deepEqual(validate('getCategory', 200, tree), []);
    const bad = structuredClone(tree);
    bad.children[0]!.children[0] = leaf(3, 5);
    const issues = validate('getCategory', 200, bad);
    assert.equal(issues[0]?.pointer, '/children/0/children/0/name');
  });

  test('readOnly and writeOnly depend on the direction', () => {
    const user = spec.resolve({ $ref: '#/components/schemas/User' });
    assert.deepEqual(
      validate('getMe', 200, { id: 1, email: 'a@b.co' }),
      [],
      'writeOnly password not required in a response',
    );
    assert.deepEqual(spec.validateValue(user, { email: 'a@b.co', password: 'secret-pw' }, 'request'), []);
    const missing = spec.validateValue(user, { id: 1, email: 'a@b.co' }, 'request');
    assert.equal(missing[0]?.pointer, '/password');
    assert.equal(spec.validateValue(user, { email: 'a@b.co' }, 'response')[0]?.pointer, '/id');
  });

  test('formats: email, uri, ipv4, int64 and OpenAPI int32', () => {
    const user = spec.resolve({ $ref: '#/components/schemas/User' });
    const issues = spec.validateValue(
      user,
      { id: 1.5, email: 'nope', homepage: 'not a uri', ip: '999.1.1.1', score: 5, tags: ['a', 'a'] },
      'response',
    );
    assert.deepEqual(
      issues.map((i) => `${i.pointer} ${i.expected}`).sort(),
      [
        '/email format email',
        '/homepage format uri',
        '/id integer',
        '/ip format ipv4',
        '/score number < 5',
        '/tags unique items',
      ].sort(),
    );
    const amount = { type: 'integer', format: 'int32' };
    assert.deepEqual(spec.validateValue(amount, 2147483647, 'response'), []);
    assert.equal(spec.validateValue(amount, 2147483648, 'response')[0]?.expected, 'format int32');
    assert.deepEqual(
      spec.validateValue({ type: 'string', format: 'made-up' }, 'x', 'response'),
      [],
      'unknown formats are ignored',
    );
  });

  test('issues are capped per response', () => {
    const data = Array.from({ length: 40 }, () => ({ amount: 'x' }));
    const issues = spec.validateResponse(list, {
      status: 200,
      headers: okHeaders,
      body: JSON.stringify({ data, next: null }),
    });
    assert.equal(issues.length, 20);
  });
});

describe('validateValue (2.0 and 3.1 fixtures)', async () => {
  const petstore = await loadSpec(join(FIXTURES, 'petstore-2.0.yaml'));
  const catalog = await loadSpec(join(FIXTURES, 'catalog-3.1.json'));

  test('2.0: allOf, x-nullable and definitions', () => {
    const pet = { $ref: '#/definitions/Pet' };
    assert.deepEqual(
      petstore.validateValue(pet, { id: 1, name: 'Rex', tag: null, owner: null }, 'response'),
      [],
    );
    const issues = petstore.validateValue(pet, { name: '', weight: 0 }, 'response');
    assert.deepEqual(issues.map((i) => i.pointer).sort(), ['/id', '/name', '/weight']);
  });

  test('2.0: response headers and the */* content when no produces', async () => {
    const op = opOf(petstore, 'findPets');
    const bad = petstore.validateResponse(op, {
      status: 200,
      headers: { ...JSON_CT, 'x-total-count': 'many' },
      body: '[]',
    });
    assert.deepEqual(codes(bad), ['header.schema']);
  });

  test('3.1: type arrays, const, prefixItems, dependentRequired and patternProperties', () => {
    const product = { $ref: '#/components/schemas/Product' };
    const ok = {
      sku: 'AB-1234',
      name: 'Lamp',
      price: 19.99,
      kind: 'digital',
      discount: null,
      dimensions: [1, 2, 3],
    };
    assert.deepEqual(catalog.validateValue(product, ok, 'response'), []);
    const bad = { ...ok, schemaVersion: 3, dimensions: [1, 'x', 3], labels: { Bad: 'x' }, price: 0.001 };
    assert.deepEqual(
      catalog
        .validateValue(product, bad, 'response')
        .map((i) => `${i.pointer} ${i.expected}`)
        .sort(),
      [
        '/dimensions/1 number',
        "/labels/Bad no property 'Bad' (additionalProperties is false)",
        '/price multiple of 0.01',
        '/schemaVersion constant 2',
      ].sort(),
    );
  });
});

describe('validateResponse: text and XML bodies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gangway-text-'));
  const file = join(dir, 'spec.yaml');
  writeFileSync(
    file,
    `openapi: 3.0.3
info: { title: Text, version: 1.0.0 }
paths:
  /queue:
    get:
      operationId: getQueue
      responses:
        '200':
          description: an AWS query-protocol answer, documented by its XML mapping
          content:
            text/xml: { schema: { type: object, properties: { QueueUrl: { type: string } } } }
            text/csv: { schema: { type: array, items: { type: object } } }
            text/plain: { schema: { type: string, maxLength: 5 } }
`,
  );
  const spec = await loadSpec(file);
  const op = spec.operation('getQueue') as Operation;
  const answer = (type: string, body: string) =>
    spec.validateResponse(op, { status: 200, headers: { 'content-type': type }, body });

  test('an XML body is not read as a string against the schema of its mapping (no false finding)', () => {
    assert.deepEqual(
      answer('text/xml', '<GetQueueUrlResponse><QueueUrl>q</QueueUrl></GetQueueUrlResponse>'),
      [],
    );
  });

  test('text is validated as a string only where the schema describes one', () => {
    assert.deepEqual(answer('text/csv', 'a,b\n1,2\n'), []);
    assert.deepEqual(answer('text/plain', 'ok'), []);
    assert.deepEqual(
      answer('text/plain', 'far too long').map((i) => i.code),
      ['body.schema'],
    );
  });
});
