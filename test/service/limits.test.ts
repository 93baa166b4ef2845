// Request limits and refusals of the service: body size, failed-auth rate limit, malformed JSON, unknown
// routes, validation errors that name the JSON pointer; and SSRF: runs never reach refused addresses.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/service/app.js';
import { openRuntime, type Runtime, startServer } from '../../src/service/runtime.js';
import { startTestService, type TestService, waitForRun } from './support.js';

const KEY_ENV = { GANGWAY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('request limits', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService({ config: { bodyLimit: 4096 } });
  });
  after(async () => {
    await service?.close();
  });

  test('a body over the limit → 413 request.too-large', async () => {
    const big = await service.api<{ error: { code: string } }>(service.admin, 'POST', '/api/v1/partners', {
      name: 'x'.repeat(5000),
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'request.too-large');
    const small = await service.api(service.admin, 'POST', '/api/v1/partners', { name: 'small' });
    assert.equal(small.status, 201, 'just under the limit is fine');
  });

  test('malformed JSON → 400 request.invalid-json', async () => {
    const response = await fetch(`${service.url}/api/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.admin}`, 'content-type': 'application/json' },
      body: '{"name": "unterminated',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'request.invalid-json');
  });

  test('an unknown route → 404 JSON', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v2/partners', '/nothing']) {
      const answer = await service.api<{ error: { code: string } }>(service.admin, 'GET', path);
      assert.equal(answer.status, 404, path);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(answer.body.error.code, 'route.not-found');
    }
  });

  test('a validation error names the JSON pointer of what is wrong', async () => {
    const answer = await service.api<{
      error: { code: string; message: string; details: { problems: { in: string; pointer: string }[] } };
    }>(service.admin, 'POST', '/api/v1/onboardings', { partnerId: 42, playbookVersionId: 'x' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'request.invalid');
    assert.match(answer.body.error.message, /body\/partnerId/);
    assert.deepEqual(
      answer.body.error.details.problems.map((p) => `${p.in}${p.pointer}`),
      ['body/partnerId'],
    );
    const query = await service.api<{ error: { message: string } }>(
      service.admin,
      'GET',
      '/api/v1/runs?limit=9999',
    );
    assert.equal(query.status, 400);
    assert.match(query.body.error.message, /query\/limit/);
  });
});

describe('failed-authentication rate limit (clock injected)', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  let dataDir: string;
  let now = Date.now();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gangway-limits-'));
    runtime = await openRuntime({ dataDir, env: KEY_ENV, config: { version: 'test' } });
    runtime.ctx.now = () => new Date(now);
    app = await buildApp(runtime.ctx);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app?.close();
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (token: string | undefined) =>
    fetch(`${url}/api/v1/partners`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test('21 bad tokens → 429 with Retry-After; a good token is refused too until the window passes', async () => {
    const { token } = await runtime.store.tokens.create({ role: 'viewer', name: 'good', actor: 'test' });
    assert.equal((await get(token)).status, 200);
    for (let i = 0; i < 20; i++) {
      const bad = await get(`gw_guess${i}`);
      assert.equal(bad.status, 401, `guess ${i}`);
    }
    const limited = await get('gw_guess20');
    assert.equal(limited.status, 429);
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'auth.rate-limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);

    assert.equal((await get(token)).status, 429, 'even a good token waits: guessing stays expensive');
    now += 30_000;
    assert.equal((await get(token)).status, 429, 'half the window later');
    now += 31_000;
    assert.equal((await get(token)).status, 200, 'after the window');
  });
});

describe('SSRF: runs of a server that allows no private targets', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let dataDir: string;
  let admin: string;
  let listener: Server;
  let port = 0;
  let connections = 0;

  before(async () => {
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
    dataDir = await mkdtemp(join(tmpdir(), 'gangway-ssrf-'));
    server = await startServer({
      dataDir,
      port: 0,
      allowPrivateTargets: false,
      config: { version: 'test' },
      env: KEY_ENV,
    });
    admin = (await server.runtime.store.tokens.create({ role: 'admin', name: 'admin', actor: 'test' })).token;
    const partner = await fetch(`${server.url}/api/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'mallory', name: 'Mallory' }),
    });
    assert.equal(partner.status, 201);
  });
  after(async () => {
    await server?.close();
    await new Promise((resolve) => listener?.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  for (const [name, host] of [
    ['metadata', '169.254.169.254'],
    ['private', '10.0.0.1'],
    ['loopback', '127.0.0.1'],
  ] as const) {
    test(`a playbook aiming at ${host} (${name}) errors, naming the address, and sends nothing`, async () => {
      const target = host === '127.0.0.1' ? `${host}:${port}` : host;
      const playbookText = `playbook: ssrf-${name}
version: 1.0.0
environments:
  sandbox:
    baseUrl: http://${target}/latest
stages:
  - id: sandbox
    environment: sandbox
    checks:
      - health: { path: /meta-data }
`;
      const pushed = await call<{ version: { id: string } }>('POST', '/playbooks', { playbookText });
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      const onboarding = await call<{ id: string }>('POST', '/onboardings', {
        partnerId: 'mallory',
        playbookVersionId: pushed.body.version.id,
      });
      assert.equal(onboarding.status, 201, JSON.stringify(onboarding.body));
      const queued = await call<{ id: string }>('POST', '/runs', { onboardingId: onboarding.body.id });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      const service = {
        api: async <T>(token: string | undefined, method: string, path: string) => {
          const response = await fetch(`${server.url}${path}`, {
            method,
            headers: token ? { authorization: `Bearer ${token}` } : {},
          });
          return { status: response.status, body: (await response.json()) as T, headers: response.headers };
        },
      } as unknown as TestService;
      const run = await waitForRun(service, admin, queued.body.id);
      assert.equal(run.status, 'errored');
      const events = await fetch(`${server.url}/api/v1/runs/${queued.body.id}/events`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const stream = await events.text();
      assert.match(stream, /event: run\.error/);
      assert.ok(stream.includes(host), `the refused address is named: ${stream}`);
      assert.equal(connections, 0, 'no connection reached the listener');
    });
  }

  test('the listener would have seen a connection (the zero above can fail)', async () => {
    await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    assert.equal(connections, 1);
  });
});
