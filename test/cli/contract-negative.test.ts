import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Handler, jsonObject } from '../fixtures/apis/server-kit.js';
import { contractOn } from './helpers.js';

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    post:
      operationId: createOrder
      parameters:
        - { name: X-Request-Id, in: header, required: true, schema: { type: string, maxLength: 40 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [sku, quantity]
              properties:
                sku: { type: string, pattern: '^[A-Z]{3}-[0-9]{4}$', example: ABC-1234 }
                quantity: { type: integer, minimum: 1, maximum: 10, example: 2 }
                channel: { type: string, enum: [web, shop] }
      responses:
        '201':
          description: created
          content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } }
        '400': { description: invalid, content: { application/json: { schema: { type: object } } } }
`;

/** A server that validates what the spec says, the way a correct API would. */
const strict: Handler = (req) => {
  if (!/json/.test(req.headers['content-type'] ?? ''))
    return { status: 400, body: { error: 'content type' } };
  const id = req.headers['x-request-id'];
  const body = jsonObject(req.body);
  const ok =
    typeof id === 'string' &&
    id.length <= 40 &&
    body !== undefined &&
    Object.keys(body).every((k) => ['sku', 'quantity', 'channel'].includes(k)) &&
    typeof body.sku === 'string' &&
    /^[A-Z]{3}-[0-9]{4}$/.test(body.sku) &&
    Number.isInteger(body.quantity) &&
    (body.quantity as number) >= 1 &&
    (body.quantity as number) <= 10 &&
    (body.channel === undefined || body.channel === 'web' || body.channel === 'shop');
  return ok ? { status: 201, body: { id: 'o1' } } : { status: 400, body: { error: 'invalid' } };
};

function run(handler: Handler) {
  return contractOn(SPEC, handler, ['--negative']);
}

describe('gangway contract --negative', () => {
  test('an API that enforces its documented constraints: no finding', async () => {
    const { code, findings } = await run(strict);
    assert.equal(
      code,
      0,
      JSON.stringify(
        findings.filter((f) => f.severity !== 'info'),
        null,
        1,
      ),
    );
  });

  test('an API that accepts anything: each broken constraint is reported where it is', async () => {
    const { code, findings } = await run(() => ({ status: 201, body: { id: 'o1' } }));
    assert.equal(code, 1);
    const accepted = findings.filter((f) => f.code === 'negative.accepted').map((f) => f.pointer);
    for (const where of [
      'header:X-Request-Id',
      'body:/sku',
      'body:/quantity',
      'body:/channel',
      'body:/gangwayUnexpected',
      'body',
      'header:Content-Type',
    ]) {
      assert.ok(accepted.includes(where), `${where} in ${accepted.join(', ')}`);
    }
  });

  test('an API that crashes on bad input: negative.server-error', async () => {
    const { code, findings } = await run((req) => {
      const body = jsonObject(req.body);
      if (body === undefined || typeof body.quantity !== 'number')
        return { status: 500, body: { error: 'boom' } };
      return strict(req);
    });
    assert.equal(code, 1);
    const crashes = findings.filter((f) => f.code === 'negative.server-error');
    assert.ok(
      crashes.some((f) => f.pointer === 'body'),
      'malformed JSON crashed it',
    );
    assert.ok(
      crashes.some((f) => f.pointer === 'body:/quantity'),
      'a string quantity crashed it',
    );
  });

  test('a form-encoded body: each constraint broken in turn, sent as a form', async () => {
    const form = SPEC.replace(/ {6}parameters:\n.*\n/, '').replace(
      'application/json:\n            schema:\n              type: object\n              additionalProperties: false',
      'application/x-www-form-urlencoded:\n            schema:\n              type: object',
    );
    assert.match(form, /x-www-form-urlencoded/);
    const bodies: string[] = [];
    const { code, findings } = await contractOn(
      form,
      (req) => {
        bodies.push(`${req.headers['content-type']} ${req.body}`);
        return { status: 201, body: { id: 'o1' } };
      },
      ['--negative'],
    );
    assert.equal(code, 1);
    const accepted = findings
      .filter((f) => f.code === 'negative.accepted')
      .map((f) => `${f.pointer} ${f.message}`);
    for (const want of [
      /body:\/sku .*required property sku missing/,
      /body:\/sku .*not matching its pattern/,
      /body:\/quantity .*a string where integer/,
      /body:\/quantity .*above its maximum 10/,
      /body:\/channel .*outside its enum/,
    ]) {
      assert.ok(
        accepted.some((a) => want.test(a)),
        `${want} in\n${accepted.join('\n')}`,
      );
    }
    assert.ok(
      bodies.some((b) => /^application\/x-www-form-urlencoded sku=[A-Z]{3}-\d{4}&quantity=11$/.test(b)),
      bodies.join('\n'),
    );
  });
});
