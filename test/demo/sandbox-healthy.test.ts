import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { Client, jsonOf, key, order } from './harness.js';
import { loadSpecValidator, type SpecValidator } from './spec-validator.js';

let sandbox: Sandbox;
let spec: SpecValidator;
let api: Client;

before(async () => {
  spec = await loadSpecValidator();
  sandbox = await startSandbox({ port: 0 });
  api = new Client(sandbox.url, spec);
});
after(() => sandbox.close());

describe('healthy sandbox: every operation answers as the spec says', () => {
  test('getHealth: 200, exact JSON content type, no-store', async () => {
    const res = await api.call('getHealth', { token: false });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json.status, 'ok');
    assert.ok(res.headers.get('x-request-id'));
  });

  test('getToken: form body and Basic both work; tokens are opaque and distinct', async () => {
    const viaBody = await api.login();
    const basic = Buffer.from('demo-client:demo-secret').toString('base64');
    const res = await api.form(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.token_type, 'Bearer');
    assert.equal(res.json.expires_in, 3600);
    assert.equal(res.json.scope, 'payments:read payments:write');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.notEqual(res.json.access_token, viaBody);
  });

  test('getToken: OAuth errors (RFC 6749 §5.2)', async () => {
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [
        { grant_type: 'client_credentials', client_id: 'demo-client', client_secret: 'nope' },
        {},
        401,
        'invalid_client',
      ],
      [
        { grant_type: 'client_credentials', client_id: 'someone', client_secret: 'demo-secret' },
        {},
        401,
        'invalid_client',
      ],
      [
        { grant_type: 'password', client_id: 'demo-client', client_secret: 'demo-secret' },
        {},
        400,
        'unsupported_grant_type',
      ],
      [{ client_id: 'demo-client', client_secret: 'demo-secret' }, {}, 400, 'invalid_request'],
      [
        {
          grant_type: 'client_credentials',
          client_id: 'demo-client',
          client_secret: 'demo-secret',
          scope: 'admin',
        },
        {},
        400,
        'invalid_scope',
      ],
      [
        { grant_type: 'client_credentials', client_secret: 'demo-secret' },
        { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}` },
        400,
        'invalid_request',
      ],
    ];
    for (const [form, headers, status, error] of cases) {
      const res = await api.form('/oauth/token', form, headers);
      assert.equal(res.status, status, JSON.stringify(form));
      assert.equal(res.json.error, error);
      if (status === 401) assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      assert.doesNotMatch(res.text, /demo-secret/, 'the secret never comes back');
    }
  });

  test('protected operations refuse missing, unknown and under-scoped tokens', async () => {
    const missing = await api.call('listPayments', { token: false });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="payments"');
    assert.equal(missing.json.code, 'unauthorized');

    const unknown = await api.call('getPayment', {
      params: { id: 'pay_000000000000000000000000' },
      token: 'abc.def',
    });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.code, 'invalid_token');
    assert.match(unknown.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    const reader = new Client(sandbox.url, spec);
    await reader.login({ scope: 'payments:read' });
    const forbidden = await reader.call('createPayment', {
      headers: { 'idempotency-key': key() },
      body: order(),
    });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json.code, 'insufficient_scope');
    assert.equal((await reader.call('listPayments')).status, 200);
  });

  test('a payment from creation through two refunds', async () => {
    await api.login();
    const idem = key();
    const created = await api.call('createPayment', {
      headers: { 'idempotency-key': idem },
      body: order(1250),
    });
    assert.equal(created.status, 201);
    const payment = created.json;
    assert.match(payment.id, /^pay_[0-9a-f]{24}$/);
    assert.equal(created.headers.get('location'), `/payments/${payment.id}`);
    assert.equal(created.headers.get('idempotency-key'), idem);
    assert.equal(created.headers.get('idempotent-replayed'), null);
    assert.deepEqual(
      { ...payment, id: undefined, created_at: undefined },
      { ...order(1250), id: undefined, created_at: undefined, status: 'succeeded', refunded_amount: 0 },
    );
    assert.ok(Math.abs(Date.parse(payment.created_at) - Date.now()) < 5000);

    const fetched = await api.call('getPayment', { params: { id: payment.id } });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.json, payment);

    const listed = await api.call('listPayments', { query: { limit: 100 } });
    assert.equal(listed.status, 200);
    assert.ok(listed.json.data.some((p: { id: string }) => p.id === payment.id));

    const partial = await api.call('createRefund', {
      params: { id: payment.id },
      headers: { 'idempotency-key': key() },
      body: { amount: 500, reason: 'requested_by_customer' },
    });
    assert.equal(partial.status, 201);
    assert.match(partial.json.id, /^re_[0-9a-f]{24}$/);
    assert.deepEqual(
      { ...partial.json, id: undefined, created_at: undefined },
      {
        id: undefined,
        created_at: undefined,
        payment_id: payment.id,
        amount: 500,
        currency: 'EUR',
        status: 'succeeded',
        reason: 'requested_by_customer',
      },
    );
    const afterPartial = await api.call('getPayment', { params: { id: payment.id } });
    assert.equal(afterPartial.json.status, 'partially_refunded');
    assert.equal(afterPartial.json.refunded_amount, 500);

    const tooMuch = await api.call('createRefund', {
      params: { id: payment.id },
      headers: { 'idempotency-key': key() },
      body: { amount: 751 },
    });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.json.code, 'refund_exceeds_remaining');
    assert.match(tooMuch.json.detail, /750/);

    const rest = await api.call('createRefund', {
      params: { id: payment.id },
      headers: { 'idempotency-key': key() },
      body: {},
    });
    assert.equal(rest.status, 201);
    assert.equal(rest.json.amount, 750, 'no amount refunds what remains');
    const refunded = await api.call('getPayment', { params: { id: payment.id } });
    assert.equal(refunded.json.status, 'refunded');
    assert.equal(refunded.json.refunded_amount, 1250);

    const again = await api.call('createRefund', {
      params: { id: payment.id },
      headers: { 'idempotency-key': key() },
      body: { amount: 1 },
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'payment_not_refundable');

    const refunds = await api.call('listRefunds', { params: { id: payment.id } });
    assert.equal(refunds.status, 200);
    assert.deepEqual(
      refunds.json.data.map((r: { amount: number }) => r.amount),
      [500, 750],
    );
  });

  test('sandbox test amounts: 40002 is declined, 40010 stays pending; neither can be refunded', async () => {
    await api.login();
    for (const [amount, status] of [
      [40002, 'failed'],
      [40010, 'pending'],
    ] as const) {
      const res = await api.call('createPayment', {
        headers: { 'idempotency-key': key() },
        body: order(amount),
      });
      assert.equal(res.status, 201);
      assert.equal(res.json.status, status);
      const refund = await api.call('createRefund', {
        params: { id: res.json.id },
        headers: { 'idempotency-key': key() },
        body: {},
      });
      assert.equal(refund.status, 409);
    }
  });

  test('createPayment rejects bad requests with the documented problems', async () => {
    await api.login();
    const noKey = await api.call('createPayment', { body: order() });
    assert.equal(noKey.status, 400);
    assert.equal(noKey.json.code, 'idempotency_key_missing');

    const notJson = await api.call('createPayment', {
      headers: { 'idempotency-key': key() },
      body: '{"amount":',
    });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.code, 'invalid_json');

    const wrongType = await api.call('createPayment', {
      headers: { 'idempotency-key': key(), 'content-type': 'text/plain' },
      body: JSON.stringify(order()),
    });
    assert.equal(wrongType.status, 415);

    const invalid = await api.call('createPayment', {
      headers: { 'idempotency-key': key() },
      body: {
        amount: 12.5,
        currency: 'XYZ',
        customer: { email: 'not-an-email' },
        metadata: { a: 1 },
        colour: 'red',
      },
    });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.code, 'validation_failed');
    assert.deepEqual(invalid.json.errors.map((e: { pointer: string }) => e.pointer).sort(), [
      '/amount',
      '/colour',
      '/currency',
      '/customer/email',
      '/metadata/a',
    ]);

    const missing = await api.call('createPayment', { headers: { 'idempotency-key': key() }, body: {} });
    assert.equal(missing.status, 422);
    assert.deepEqual(
      missing.json.errors.map((e: { pointer: string }) => e.pointer),
      ['/amount', '/currency'],
    );

    const huge = await api.call('createPayment', {
      headers: { 'idempotency-key': key() },
      body: { ...order(), description: 'x'.repeat(70_000) },
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.json.code, 'payload_too_large');
  });

  test('getPayment, listPayments, createRefund and listRefunds: 404 and 400', async () => {
    await api.login();
    for (const id of ['pay_000000000000000000000000', 'not-a-payment-id']) {
      const res = await api.call('getPayment', { params: { id } });
      assert.equal(res.status, 404);
      assert.equal(res.json.code, 'payment_not_found');
      assert.equal((await api.call('listRefunds', { params: { id } })).status, 404);
      const refund = await api.call('createRefund', {
        params: { id },
        headers: { 'idempotency-key': key() },
        body: {},
      });
      assert.equal(refund.status, 404);
    }
    const queries: Record<string, string | number>[] = [
      { limit: 0 },
      { limit: 101 },
      { limit: 'ten' },
      { cursor: 'bogus' },
      { status: 'lost' },
    ];
    for (const query of queries) {
      const res = await api.call('listPayments', { query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.json.code, 'invalid_parameter');
      assert.equal(res.json.errors.length, 1);
    }
  });

  test('unknown routes are 404 and wrong methods 405 with Allow, as problem+json', async () => {
    const unknown = await fetch(`${sandbox.url}/nowhere`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('content-type'), 'application/problem+json');
    assert.equal((await jsonOf(unknown)).code, 'not_found');

    const head = await fetch(`${sandbox.url}/payments`, { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('allow'), 'GET, POST');

    const del = await fetch(`${sandbox.url}/payments/pay_000000000000000000000000`, { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET');
    assert.equal(del.headers.get('content-type'), 'application/problem+json');
    assert.equal((await jsonOf(del)).status, 405);
  });

  test('stats count what happened', () => {
    const stats = sandbox.stats();
    assert.ok(stats.requests > 20);
    assert.ok((stats.byOperation.createPayment ?? 0) >= 5);
    assert.ok(stats.tokensIssued >= 3);
    assert.ok(stats.payments >= 3);
    assert.equal(stats.faultsInjected, 0);
  });
});

describe('the spec itself', () => {
  test("every example validates against its operation's schema", () => {
    let checked = 0;
    const doc = spec.document as { paths: Record<string, Record<string, unknown>> };
    const visit = (node: unknown, schemaName?: string): void => {
      if (Array.isArray(node)) {
        for (const n of node) visit(n, schemaName);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      const ref = (record.schema as { $ref?: string } | undefined)?.$ref;
      const name = ref?.startsWith('#/components/schemas/')
        ? ref.slice('#/components/schemas/'.length)
        : schemaName;
      if (name && record.examples && typeof record.examples === 'object') {
        for (const example of Object.values(record.examples as Record<string, { value: unknown }>)) {
          assert.deepEqual(spec.schemaProblems(name, example.value), [], `example of ${name}`);
          checked++;
        }
      }
      for (const [k, v] of Object.entries(record)) if (k !== 'examples') visit(v, name);
    };
    visit(doc.paths);
    visit((spec.document.components as Record<string, unknown>).responses);
    assert.ok(checked >= 8, `checked ${checked} examples`);
  });
});
