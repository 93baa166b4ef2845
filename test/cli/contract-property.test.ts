import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Handler, jsonObject, serve } from '../fixtures/apis/server-kit.js';
import { cli, contractOn, describeFindings, readReport, tempDir } from './helpers.js';

const SPEC = `openapi: 3.1.0
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [sku, quantity]
              properties:
                sku: { type: string, enum: [ABC-1, XYZ-2] }
                quantity: { type: integer, minimum: 1, maximum: 100 }
                note: { type: string, maxLength: 30 }
                gift: { type: boolean }
                tags: { type: array, items: { type: string, maxLength: 8 }, maxItems: 4 }
            example: { sku: ABC-1, quantity: 2 }
      responses:
        '201':
          description: created
          content: { application/json: { schema: { type: object, required: [id], properties: { id: { type: string } } } } }
  /items:
    get:
      operationId: searchItems
      parameters:
        - { name: name, in: query, required: true, schema: { type: string, maxLength: 20 }, example: shoe }
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 50 } }
      responses:
        '200':
          description: items
          content: { application/json: { schema: { type: array, items: { type: string } } } }
`;

/** Fails only for some inputs: a quantity above 7, or a name longer than 5 characters with a digit. */
const picky: Handler = (req) => {
  if (req.path === '/orders') {
    const body = jsonObject(req.body);
    if (typeof body?.quantity === 'number' && body.quantity > 7)
      return { status: 500, body: { error: 'boom' } };
    return { status: 201, body: { id: 'o1' } };
  }
  const name = req.query.get('name') ?? '';
  if (name.length > 5 && /[0-9]/.test(name)) return { status: 500, body: { error: 'boom' } };
  return { status: 200, body: ['a'] };
};

const sequence = (requests: { method: string; path: string; query: string; body: string }[]) =>
  requests.map((r) => `${r.method} ${r.path}${r.query} ${r.body}`);

describe('gangway contract: property-based cases', () => {
  test('a failure on some inputs is found and reported with the shrunk, minimal request', async () => {
    const { code, findings, requests } = await contractOn(SPEC, picky, ['--max-cases', '40', '--seed', '1']);
    assert.equal(code, 1);
    const errors = findings.filter((f) => f.code === 'response.server-error');
    const order = errors.find((f) => f.operation === 'createOrder');
    assert.ok(order, describeFindings(findings));
    assert.match(order.message, /shrunk in \d+ step\(s\)/);
    // The minimal request: the bound crossed by one, every optional property dropped.
    assert.match(order.curl ?? '', /"quantity":8\b/);
    assert.doesNotMatch(order.curl ?? '', /note|gift|tags/);
    assert.ok(/"sku":"ABC-1"/.test(order.curl ?? ''), 'the enum shrinks to its first value');
    const search = errors.find((f) => f.operation === 'searchItems');
    assert.ok(search, describeFindings(findings));
    const name = new URL(/'(http[^']+)'/.exec(search.curl ?? '')![1]!).searchParams;
    assert.equal(name.has('limit'), false, 'the optional parameter is dropped');
    // The shortest failing name: 6 characters, one of them a digit.
    assert.ok((name.get('name') ?? '').length === 6 && /[0-9]/.test(name.get('name') ?? ''), search.curl);
    // Budget: 1 example + 39 cases at most + 20 shrinking requests, per operation.
    const posts = requests.filter((r) => r.path === '/orders').length;
    assert.ok(posts <= 60, `${posts} requests to createOrder`);
  });

  test('the same --seed sends the same requests; another seed other ones', async () => {
    const run = async (seed: string) =>
      sequence((await contractOn(SPEC, picky, ['--max-cases', '10', '--seed', seed])).requests);
    const first = await run('123');
    assert.ok(first.length > 10);
    assert.deepEqual(await run('123'), first);
    assert.notDeepEqual(await run('124'), first);
  });

  test('--max-shrinks 0 reports the failing case as generated, with no more requests', async () => {
    const shrunk = await contractOn(SPEC, picky, [
      '--max-cases',
      '40',
      '--seed',
      '1',
      '--operation',
      'createOrder',
    ]);
    const raw = await contractOn(SPEC, picky, [
      '--max-cases',
      '40',
      '--seed',
      '1',
      '--operation',
      'createOrder',
      '--max-shrinks',
      '0',
    ]);
    const failing = (r: typeof raw) => r.findings.find((f) => f.code === 'response.server-error');
    assert.match(failing(raw)?.message ?? '', /shrunk in 0 step\(s\)/);
    assert.ok(
      raw.requests.length < shrunk.requests.length,
      `${raw.requests.length} vs ${shrunk.requests.length}`,
    );
  });

  test('an API that never fails on valid input: no finding after all cases', async () => {
    const calm: Handler = (req) =>
      req.path === '/orders' ? { status: 201, body: { id: 'o1' } } : { status: 200, body: ['a'] };
    const { code, findings, requests } = await contractOn(SPEC, calm, ['--max-cases', '25', '--seed', '9']);
    assert.equal(code, 0, describeFindings(findings));
    assert.equal(requests.filter((r) => r.path === '/orders').length, 25);
  });

  test('--time-budget stops the property-based cases mid-way: the check errors with check.timeout', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const server = await serve((req) =>
      req.path === '/orders' ? { status: 201, body: { id: 'o1' } } : { status: 200, body: ['a'] },
    );
    try {
      const { code } = await cli([
        'contract',
        join(dir, 'spec.yaml'),
        '--base-url',
        server.url,
        '--report',
        `json=${join(dir, 'r.json')}`,
        '--max-cases',
        '100',
        '--time-budget',
        '60ms',
      ]);
      const [check] = readReport(join(dir, 'r.json')).checks;
      assert.equal(code, 1);
      assert.equal(check?.error?.code, 'check.timeout', check?.summary);
      const sent = server.requests.length;
      assert.ok(sent < 200, `${sent} requests: the run was not cut short`);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.requests.length, sent, 'nothing is sent after the budget');
    } finally {
      await server.close();
    }
  });
});

describe('gangway contract: operations with very many optional parameters', () => {
  test('a property-based request carries at most 12 of them (a URL servers accept)', async () => {
    const filters = Array.from(
      { length: 150 },
      (_, i) => `        - { name: filter_${i}, in: query, schema: { type: string, maxLength: 20 } }`,
    ).join('\n');
    const spec = `openapi: 3.0.3
info: { title: Filters, version: 1.0.0 }
paths:
  /exports:
    get:
      operationId: listExports
      parameters:
${filters}
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: array } } } }
`;
    const { code, requests } = await contractOn(spec, () => ({ status: 200, body: [] }), [
      '--max-cases',
      '8',
      '--seed',
      '5',
    ]);
    assert.equal(code, 0);
    const counts = requests.map((r) => new URLSearchParams(r.query).size);
    assert.ok(requests.length >= 4, `cases sent: ${requests.length}`);
    assert.ok(Math.max(...counts) <= 12, `query parameters per request: ${counts.join(', ')}`);
    assert.ok(Math.max(...counts) > 0, 'some optional parameters are still drawn');
  });
});
