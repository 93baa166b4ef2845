import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import { loadSpec } from './load.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/openapi');
const fixture = (name: string) => join(FIXTURES, name);

async function loadError(source: string): Promise<InputError> {
  try {
    await loadSpec(source);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${source} loaded without error`);
}

describe('loadSpec: OpenAPI 3.0 with external refs', async () => {
  const spec = await loadSpec(fixture('payments-3.0.yaml'));

  test('reads metadata, servers with variables and security schemes', () => {
    assert.equal(spec.format, '3.0');
    assert.equal(spec.title, 'Acme Payments');
    assert.equal(spec.apiVersion, '2.1.0');
    assert.deepEqual(spec.servers, ['https://eu.api.acme.example/v2']);
    assert.equal(spec.source, fixture('payments-3.0.yaml'));
    assert.deepEqual(spec.securitySchemes.bearerAuth, { name: 'bearerAuth', type: 'http', scheme: 'bearer' });
    assert.deepEqual(spec.securitySchemes.apiKey, {
      name: 'apiKey',
      type: 'apiKey',
      in: 'header',
      paramName: 'X-Api-Key',
    });
  });

  test('indexes operations by operationId and by METHOD /path', () => {
    assert.equal(spec.operation('createPayment')?.key, 'POST /payments');
    assert.equal(spec.operation('post /payments')?.id, 'createPayment');
    assert.equal(spec.operation('GET /payments/{paymentId}')?.id, 'getPayment');
    assert.equal(spec.operation('nope'), undefined);
  });

  test('merges path-level parameters and resolves parameters from another file', () => {
    const list = spec.operation('listPayments');
    assert.deepEqual(
      list?.parameters.map((p) => `${p.in}:${p.name}:${p.required}`),
      ['query:limit:false', 'query:cursor:false', 'query:status:false'],
    );
    const get = spec.operation('getPayment');
    assert.equal(get?.parameters[0]?.name, 'paymentId');
    assert.deepEqual(get?.parameters[0]?.examples, [
      { name: 'example', value: '3f1c2b9e-1a2b-4c3d-8e9f-001122334455' },
    ]);
  });

  test('effective security: operation overrides global', () => {
    assert.deepEqual(spec.operation('listPayments')?.security, [{ bearerAuth: [] }, { apiKey: [] }]);
    assert.deepEqual(spec.operation('createPayment')?.security, [{ oauth: ['payments:write'] }]);
  });

  test('converts 3.0 nullable and boolean exclusive bounds to 2020-12', () => {
    const payment = spec.resolve({ $ref: '#/components/schemas/Payment' }) as Record<
      string,
      Record<string, unknown>
    >;
    const props = payment.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(props.description?.type, ['string', 'null']);
    assert.deepEqual(props.riskLevel?.enum, ['low', 'high', null]);
    assert.deepEqual(props.amount?.exclusiveMinimum, 0);
    assert.equal(props.amount?.minimum, undefined);
    assert.deepEqual(props.fee?.anyOf, [
      { $ref: `${new URL('common.yaml', `file://${FIXTURES}/`).href}#/components/schemas/Money` },
      { type: 'null' },
    ]);
    assert.equal((props.customer?.anyOf as unknown[] | undefined)?.length, 2);
    // No mapping: each member names itself by the value its property pins (enum), else by its name.
    assert.deepEqual(props.method?.discriminator, {
      propertyName: 'type',
      mapping: { card: '#/components/schemas/Card', bank_transfer: '#/components/schemas/BankTransfer' },
    });
  });

  test('keeps refs to other files resolvable and examples normalised', () => {
    const currency = spec.resolve(
      (spec.resolve({ $ref: '#/components/schemas/Payment' }) as { properties: Record<string, object> })
        .properties.currency as Record<string, unknown>,
    );
    assert.deepEqual(currency, { type: 'string', pattern: '^[A-Z]{3}$', examples: ['EUR'] });
    const body = spec.operation('createPayment')?.requestBody;
    assert.equal(body?.required, true);
    assert.equal(body?.content['application/json']?.examples[0]?.name, 'example');
  });

  test('responses keep ranges, default, headers and content', () => {
    const list = spec.operation('listPayments');
    assert.deepEqual(
      list?.responses.map((r) => r.status),
      ['200', 'default'],
    );
    assert.deepEqual(list?.responses[0]?.headers['X-Request-Id']?.required, true);
    assert.deepEqual(Object.keys(list?.responses[1]?.content ?? {}), ['application/problem+json']);
    assert.deepEqual(
      spec.operation('createPayment')?.responses.map((r) => r.status),
      ['201', '4XX'],
    );
  });
});

describe('loadSpec: Swagger 2.0', async () => {
  const spec = await loadSpec(fixture('petstore-2.0.yaml'));

  test('host, basePath and schemes become servers; securityDefinitions become schemes', () => {
    assert.equal(spec.format, '2.0');
    assert.deepEqual(spec.servers, ['https://petstore.example.com/v1', 'http://petstore.example.com/v1']);
    assert.deepEqual(spec.securitySchemes.basic, { name: 'basic', type: 'http', scheme: 'basic' });
    assert.deepEqual(spec.operation('deletePet')?.security, []);
    assert.deepEqual(spec.operation('findPets')?.security, [{ api_key: [] }]);
  });

  test('body parameter becomes requestBody for each consumes type', () => {
    const add = spec.operation('addPet');
    assert.equal(add?.requestBody?.required, true);
    assert.deepEqual(Object.keys(add?.requestBody?.content ?? {}), ['application/json']);
    assert.equal(add?.parameters.length, 0);
  });

  test('formData parameters become a form requestBody', () => {
    const login = spec.operation('login')?.requestBody;
    assert.deepEqual(Object.keys(login?.content ?? {}), ['application/x-www-form-urlencoded']);
    const schema = login?.content['application/x-www-form-urlencoded']?.schema as Record<string, unknown>;
    assert.deepEqual(schema.required, ['username']);
    const upload = spec.operation('uploadPhoto')?.requestBody;
    assert.deepEqual(Object.keys(upload?.content ?? {}), ['multipart/form-data']);
  });

  test('non-body parameters get schemas, styles and converted bounds', () => {
    const find = spec.operation('findPets');
    const tags = find?.parameters.find((p) => p.name === 'tags');
    assert.equal(tags?.style, 'form');
    assert.equal(tags?.explode, true);
    const petId = spec.operation('getPet')?.parameters[0];
    assert.deepEqual(petId?.schema, { type: 'integer', format: 'int64', exclusiveMinimum: 0 });
  });

  test('responses get produces content types, examples and x-nullable', () => {
    const ok = spec.operation('getPet')?.responses[0];
    assert.deepEqual(ok?.content['application/json']?.examples, [
      { name: 'application/json', value: { id: 1, name: 'Rex', tag: null } },
    ]);
    const newPet = spec.resolve({ $ref: '#/definitions/NewPet' }) as { properties: Record<string, unknown> };
    assert.deepEqual(newPet.properties.tag, { type: ['string', 'null'] });
  });
});

describe('loadSpec: OpenAPI 3.1', async () => {
  const spec = await loadSpec(fixture('catalog-3.1.json'));
  test('loads JSON 3.1, keeps 2020-12 schemas and resolves referenced examples', () => {
    assert.equal(spec.format, '3.1');
    assert.deepEqual(spec.securitySchemes.mtls, { name: 'mtls', type: 'mutualTLS' });
    const list = spec.operation('listProducts');
    assert.equal(list?.responses[0]?.content['application/json']?.examples[0]?.name, 'one');
    const product = spec.resolve({ $ref: '#/components/schemas/Product' }) as {
      properties: Record<string, object>;
    };
    assert.deepEqual(product.properties.discount, { type: ['number', 'null'], minimum: 0, maximum: 1 });
    assert.equal(spec.operations.length, 3, 'webhooks are not operations');
  });
});

describe('loadSpec: errors', () => {
  test('a YAML syntax error reports the right line and column', async () => {
    const error = await loadError(fixture('broken-syntax.yaml'));
    assert.equal(error.code, 'spec.parse');
    assert.equal(error.diagnostics[0]?.line, 11);
    assert.equal(error.diagnostics[0]?.column, 5);
    assert.match(error.message, /broken-syntax\.yaml:11:5/);
  });

  test('a JSON syntax error reports its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gangway-openapi-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, '{\n  "openapi": "3.0.0",\n  "info": { "title": "x", }\n}\n');
      const error = await loadError(file);
      assert.equal(error.code, 'spec.parse');
      assert.equal(error.diagnostics[0]?.line, 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('collects every structural problem in one pass, with positions', async () => {
    const error = await loadError(fixture('invalid-structure.yaml'));
    assert.equal(error.code, 'spec.invalid');
    const found = error.diagnostics.map((d) => `${d.line}: ${d.message}`);
    const expect = [
      /^2: info\.title is missing/,
      /^6: path parameter 'orderId' is in the template/,
      /^13: \$ref #\/components\/schemas\/Missing points to nothing/,
      /^14: operation POST \/orders\/\{orderId\} must be an object/,
      /^17: duplicate operationId 'getOrder'/,
      /^19: a parameter needs a name and an "in"/,
      /^24: path parameter 'itemId'/,
      /^27: \$ref \.\/nowhere\.yaml#\/Param cannot be loaded/,
    ];
    assert.equal(found.length, expect.length, found.join('\n'));
    expect.forEach((re, i) => {
      assert.match(found[i] as string, re);
    });
    assert.ok(error.diagnostics.every((d) => d.file.endsWith('invalid-structure.yaml')));
  });

  test('JSON diagnostics point at the offending line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gangway-openapi-'));
    try {
      const file = join(dir, 'spec.json');
      const doc = {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: { '/a/{id}': { get: { responses: { '200': { description: 'ok' } } } } },
      };
      await writeFile(file, JSON.stringify(doc, null, 2));
      const error = await loadError(file);
      assert.equal(error.diagnostics[0]?.line, 9, 'the line of "get"');
      assert.match(error.diagnostics[0]?.message ?? '', /'id'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('unsupported versions and missing files are InputErrors with stable codes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gangway-openapi-'));
    try {
      await writeFile(join(dir, 'v4.yaml'), 'openapi: 4.0.0\ninfo: { title: x, version: "1" }\npaths: {}\n');
      const error = await loadError(join(dir, 'v4.yaml'));
      assert.equal(error.code, 'spec.unsupported-version');
      assert.equal(error.diagnostics[0]?.line, 1);
      assert.equal((await loadError(join(dir, 'absent.yaml'))).code, 'spec.unreadable');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadSpec: over http', () => {
  const files: Record<string, string> = {
    '/api/root.yaml':
      'openapi: 3.1.0\ninfo: { title: Remote, version: "1" }\npaths:\n  /ping:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "./shared.json#/Pong" }\n',
    '/api/shared.json':
      '{ "Pong": { "type": "object", "required": ["ok"], "properties": { "ok": { "const": true } } } }',
  };
  let requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' }).end(body ?? 'nope');
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('fetches the document and its referenced files once each; relative servers resolve against it', async () => {
    requests = [];
    const spec = await loadSpec(`${base}/api/root.yaml`);
    assert.deepEqual(requests.sort(), ['/api/root.yaml', '/api/shared.json']);
    assert.deepEqual(spec.servers, [`${base}/`]);
    const op = spec.operation('GET /ping');
    assert.ok(op);
    const ok = spec.validateResponse(op, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    });
    assert.deepEqual(ok, []);
    const bad = spec.validateResponse(op, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":1}',
    });
    assert.equal(bad[0]?.code, 'body.schema');
  });

  test('an unreachable document is a spec.unreadable InputError', async () => {
    const error = await loadError(`${base}/api/missing.yaml`);
    assert.equal(error.code, 'spec.unreadable');
    assert.match(error.message, /HTTP 404/);
  });
});
