import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { startSandbox } from '../../src/demo/sandbox.js';
import { Client, key, order } from './harness.js';
import { loadSpecValidator, type SpecValidator } from './spec-validator.js';

let spec: SpecValidator;
before(async () => {
  spec = await loadSpecValidator();
});

describe('idempotency keys', () => {
  test('same key and same body replays the stored response; a different body is refused', async (t) => {
    const sandbox = await startSandbox();
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const idem = key();
    const first = await api.call('createPayment', { headers: { 'idempotency-key': idem }, body: order(990) });
    assert.equal(first.status, 201);

    // Key order differs: the body is the same JSON, so it is the same request.
    const { metadata, ...rest } = order(990);
    const reordered = { metadata, ...rest };
    const replay = await api.call('createPayment', { headers: { 'idempotency-key': idem }, body: reordered });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.headers.get('location'), first.headers.get('location'));
    assert.deepEqual(replay.json, first.json);

    const conflict = await api.call('createPayment', {
      headers: { 'idempotency-key': idem },
      body: order(991),
    });
    assert.equal(conflict.status, 422);
    assert.equal(conflict.json.code, 'idempotency_key_reused');

    // The replay shows the payment as it was created, even after a refund changed it.
    await api.call('createRefund', {
      params: { id: first.json.id },
      headers: { 'idempotency-key': key() },
      body: {},
    });
    const later = await api.call('createPayment', { headers: { 'idempotency-key': idem }, body: order(990) });
    assert.equal(later.json.status, 'succeeded');
    assert.equal(sandbox.stats().payments, 1);
    assert.equal(sandbox.stats().idempotentReplays, 2);
  });

  test('refunds are idempotent per payment, and a rejected request does not burn its key', async (t) => {
    const sandbox = await startSandbox();
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const payment = (
      await api.call('createPayment', { headers: { 'idempotency-key': key() }, body: order(1000) })
    ).json;
    const idem = key();
    const tooMuch = await api.call('createRefund', {
      params: { id: payment.id },
      headers: { 'idempotency-key': idem },
      body: { amount: 5000 },
    });
    assert.equal(tooMuch.status, 422);
    const call = () =>
      api.call('createRefund', {
        params: { id: payment.id },
        headers: { 'idempotency-key': idem },
        body: { amount: 400 },
      });
    const first = await call();
    assert.equal(first.status, 201, 'the key is free again after a rejection');
    const replay = await call();
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.json.id, first.json.id);
    const refunds = await api.call('listRefunds', { params: { id: payment.id } });
    assert.equal(refunds.json.data.length, 1, 'the retry did not refund twice');
  });

  test('a retry while the first request is in flight gets 409 with Retry-After', async (t) => {
    // `slow` holds the first request for 1.5 s with its key reserved.
    const sandbox = await startSandbox({ faults: ['slow'] });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const idem = key();
    const first = api.call('createPayment', { headers: { 'idempotency-key': idem }, body: order() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await api.call('createPayment', { headers: { 'idempotency-key': idem }, body: order() });
    assert.equal(second.status, 409);
    assert.equal(second.json.code, 'idempotency_in_progress');
    assert.equal(second.headers.get('retry-after'), '1');
    assert.equal((await first).status, 201);
  });
});

describe('cursor pagination', () => {
  test('walks every page once, newest first, with a status filter and next_cursor null at the end', async (t) => {
    const sandbox = await startSandbox();
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      const amount = i % 5 === 0 ? 40002 : 100 + i;
      const res = await api.call('createPayment', {
        headers: { 'idempotency-key': key() },
        body: order(amount),
      });
      created.push(res.json.id);
    }
    const walk = async (query: Record<string, string | number>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await api.call('listPayments', { query: { ...query, ...(cursor ? { cursor } : {}) } });
        assert.equal(res.status, 200);
        seen.push(...res.json.data.map((p: { id: string }) => p.id));
        cursor = res.json.next_cursor;
        pages++;
        assert.ok(pages < 50, 'pagination terminates');
      } while (cursor !== null);
      return { seen, pages };
    };
    const all = await walk({ limit: 7 });
    assert.deepEqual(all.seen, [...created].reverse());
    assert.equal(all.pages, 4);
    const exact = await walk({ limit: 23 });
    assert.equal(exact.pages, 1, 'no empty trailing page when the last page is full');

    const failed = await walk({ limit: 2, status: 'failed' });
    assert.equal(failed.seen.length, 5);
    assert.equal(new Set(failed.seen).size, 5);
    assert.deepEqual(failed.seen, created.filter((_, i) => i % 5 === 0).reverse());

    const byDefault = await api.call('listPayments');
    assert.equal(byDefault.json.data.length, 10, 'default limit');
  });

  test('new payments created during a walk do not shift the pages', async (t) => {
    const sandbox = await startSandbox();
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    for (let i = 0; i < 6; i++)
      await api.call('createPayment', { headers: { 'idempotency-key': key() }, body: order() });
    const first = await api.call('listPayments', { query: { limit: 3 } });
    await api.call('createPayment', { headers: { 'idempotency-key': key() }, body: order() });
    const second = await api.call('listPayments', { query: { limit: 3, cursor: first.json.next_cursor } });
    const ids = [...first.json.data, ...second.json.data].map((p: { id: string }) => p.id);
    assert.equal(new Set(ids).size, 6);
    assert.equal(second.json.next_cursor, null);
  });

  test('the store is bounded: the oldest payments are evicted', async (t) => {
    const sandbox = await startSandbox({ maxPayments: 3 });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await api.call('createPayment', { headers: { 'idempotency-key': key() }, body: order() })).json.id,
      );
    }
    assert.equal(sandbox.stats().payments, 3);
    assert.equal((await api.call('getPayment', { params: { id: ids[0]! } })).status, 404);
    assert.equal((await api.call('getPayment', { params: { id: ids[4]! } })).status, 200);
  });
});

describe('rate limits and token lifetime', () => {
  test('over the limit: 429 problem with Retry-After, per token', async (t) => {
    const sandbox = await startSandbox({ rateLimit: { requests: 5, perSeconds: 10 } });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    for (let i = 0; i < 5; i++) assert.equal((await api.call('listPayments')).status, 200);
    const limited = await api.call('listPayments');
    assert.equal(limited.status, 429);
    assert.equal(limited.json.code, 'rate_limited');
    assert.equal(limited.headers.get('content-type'), 'application/problem+json');
    // 5 requests per 10 s: one request's worth comes back after 2 s.
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(sandbox.stats().rateLimited, 1);

    const other = new Client(sandbox.url, spec);
    await other.login();
    assert.equal((await other.call('listPayments')).status, 200, 'another token has its own bucket');
  });

  test('the default limit allows a burst of 50 requests per second', async (t) => {
    // A frozen clock: no refill during the burst, so exactly 50 pass whatever the machine's speed.
    const frozen = Date.now();
    const sandbox = await startSandbox({ clock: () => frozen });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    await api.login();
    const answers = await Promise.all(Array.from({ length: 60 }, () => api.call('listPayments')));
    assert.equal(answers.filter((a) => a.status === 200).length, 50);
    assert.equal(answers.filter((a) => a.status === 429).length, 10);
  });

  test('tokens expire after tokenTtlSeconds', async (t) => {
    let now = Date.now();
    const sandbox = await startSandbox({ tokenTtlSeconds: 60, clock: () => now });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    const login = await api.form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    });
    assert.equal(login.json.expires_in, 60);
    api.token = login.json.access_token;
    assert.equal((await api.call('listPayments')).status, 200);
    now += 60_000;
    const expired = await api.call('listPayments');
    assert.equal(expired.status, 401);
    assert.equal(expired.json.code, 'invalid_token');
    assert.match(expired.headers.get('www-authenticate') ?? '', /expired/);
  });

  test('custom client credentials', async (t) => {
    const sandbox = await startSandbox({ clientId: 'acme', clientSecret: 's3cret' });
    t.after(() => sandbox.close());
    const api = new Client(sandbox.url, spec);
    const denied = await api.form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    });
    assert.equal(denied.status, 401);
    await api.login({ client_id: 'acme', client_secret: 's3cret' });
    assert.equal((await api.call('listPayments')).status, 200);
  });
});
