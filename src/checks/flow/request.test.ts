import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GangwayError } from '../../core/errors.js';
import type { ApiSpec, Operation } from '../../openapi/types.js';
import { type FlowStep, flowStepSchema } from '../../playbook/schema.js';
import { planCall } from './request.js';

function op(id: string, method: string, path: string, secured = true): Operation {
  return {
    id,
    operationId: id,
    method,
    path,
    key: `${method} ${path}`,
    tags: [],
    deprecated: false,
    parameters: [],
    responses: [],
    security: secured ? [{ bearer: [] }] : [],
    pointer: `#/paths/${path}`,
  };
}

/** A fake spec: planCall only reads title and operation(). */
function fakeSpec(operations: Operation[]): ApiSpec {
  const spec: Pick<ApiSpec, 'title' | 'operation'> = {
    title: 'Payments API',
    operation: (ref) => operations.find((o) => o.id === ref),
  };
  return spec as ApiSpec;
}

const spec = fakeSpec([
  op('createPayment', 'POST', '/payments'),
  op('getPayment', 'GET', '/payments/{paymentId}'),
  op('getStatus', 'GET', '/status', false),
]);

/** A step as the playbook loader produces it (defaults applied). */
const step = (raw: Record<string, unknown>): FlowStep => flowStepSchema.parse(raw);

describe('planCall', () => {
  test('operationId: method and path from the spec, label and operation are the id', () => {
    const planned = planCall(
      step({ call: 'createPayment', body: { amount: '{{ amount }}', ref: 'order-{{ n }}' } }),
      spec,
      { amount: 1250, n: 7 },
    );
    assert.equal(planned.label, 'createPayment');
    assert.equal(planned.operation?.id, 'createPayment');
    assert.deepEqual(planned.request, {
      method: 'POST',
      url: '/payments',
      query: {},
      headers: {},
      body: { amount: 1250, ref: 'order-7' },
      operation: 'createPayment',
      auth: true,
    });
  });

  test('operationId with a path parameter rendered and encoded', () => {
    const planned = planCall(step({ call: 'getPayment', params: { paymentId: '{{ id }}' } }), spec, {
      id: 'p 1/2',
    });
    assert.equal(planned.request.url, '/payments/p%201%2F2');
    assert.equal(planned.request.method, 'GET');
  });

  test('literal "METHOD /path" works without a spec; method upper-cased; label is METHOD /template', () => {
    const planned = planCall(
      step({ call: 'get /orders/{orderId}/items', params: { orderId: 42 } }),
      undefined,
      {},
    );
    assert.equal(planned.operation, undefined);
    assert.equal(planned.label, 'GET /orders/{orderId}/items');
    assert.equal(planned.request.url, '/orders/42/items');
    assert.equal(planned.request.method, 'GET');
    assert.equal(planned.request.operation, 'GET /orders/{orderId}/items');
    assert.equal(planned.request.auth, true, 'no spec: assume the call needs credentials');
  });

  test('literal call not in the spec is still accepted', () => {
    const planned = planCall(step({ call: 'DELETE /sessions' }), spec, {});
    assert.equal(planned.request.method, 'DELETE');
    assert.equal(planned.request.url, '/sessions');
  });

  test('a missing path parameter is an error that shows how to add it', () => {
    assert.throws(
      () => planCall(step({ call: 'getPayment', params: { id: 'x' } }), spec, {}),
      (error: unknown) => {
        assert.ok(error instanceof GangwayError);
        assert.equal(error.code, 'flow.missing-path-param');
        assert.match(error.message, /needs path parameter \{paymentId\}/);
        assert.match(error.message, /params: \{ paymentId: "\{\{ paymentId \}\}" \}/);
        return true;
      },
    );
  });

  test('params not in the path become query parameters, beside query', () => {
    const planned = planCall(
      step({
        call: 'GET /payments/{paymentId}',
        params: { paymentId: 'p1', expand: 'refunds', limit: '{{ n }}' },
        query: { tags: ['a', '{{ n }}'], flag: true },
      }),
      undefined,
      { n: 5 },
    );
    assert.equal(planned.request.url, '/payments/p1');
    assert.deepEqual(planned.request.query, {
      expand: 'refunds',
      limit: '5',
      tags: ['a', '5'],
      flag: 'true',
    });
  });

  test('the step is not modified (path params are removed from a copy)', () => {
    const s = step({ call: 'getPayment', params: { paymentId: 'p1' } });
    planCall(s, spec, {});
    planCall(s, spec, {});
    assert.deepEqual(s.params, { paymentId: 'p1' });
  });

  test('headers are rendered as text', () => {
    const planned = planCall(
      step({ call: 'createPayment', headers: { 'Idempotency-Key': '{{ key }}', 'X-N': '{{ n }}' } }),
      spec,
      { key: 'k-1', n: 3 },
    );
    assert.deepEqual(planned.request.headers, { 'Idempotency-Key': 'k-1', 'X-N': '3' });
  });

  const authRows: { name: string; call: string; auth: boolean; expected: boolean }[] = [
    { name: 'secured operation, step default → auth', call: 'createPayment', auth: true, expected: true },
    {
      name: 'secured operation, step auth:false → anonymous',
      call: 'createPayment',
      auth: false,
      expected: false,
    },
    {
      name: 'operation without security → no auth even if the step asks',
      call: 'getStatus',
      auth: true,
      expected: false,
    },
    { name: 'literal call, step auth:false → anonymous', call: 'GET /x', auth: false, expected: false },
  ];
  for (const row of authRows) {
    test(`auth: ${row.name}`, () => {
      const planned = planCall(step({ call: row.call, auth: row.auth }), spec, {});
      assert.equal(planned.request.auth, row.expected);
    });
  }

  test('no body key when the step has no body', () => {
    const planned = planCall(step({ call: 'getStatus' }), spec, {});
    assert.equal('body' in planned.request, false);
  });

  const unknownRows: { name: string; call: string; withSpec: boolean; message: RegExp }[] = [
    {
      name: 'unknown operationId with a spec names the spec',
      call: 'refundPayment',
      withSpec: true,
      message: /call "refundPayment" is neither an operationId nor "METHOD \/path" of Payments API/,
    },
    {
      name: 'an operationId without a spec asks for METHOD /path',
      call: 'createPayment',
      withSpec: false,
      message: /call "createPayment" is not "METHOD \/path"/,
    },
    {
      name: 'a path without a method',
      call: '/payments',
      withSpec: false,
      message: /is not "METHOD \/path"/,
    },
    {
      name: 'an unknown method',
      call: 'FETCH /payments',
      withSpec: false,
      message: /is not "METHOD \/path"/,
    },
  ];
  for (const row of unknownRows) {
    test(row.name, () => {
      assert.throws(
        () => planCall(step({ call: row.call }), row.withSpec ? spec : undefined, {}),
        (error: unknown) =>
          error instanceof GangwayError &&
          error.code === 'flow.unknown-operation' &&
          row.message.test(error.message),
      );
    });
  }
});
