import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type LoadServer, loadServer } from '../load/server.js';
import { cli } from './helpers.js';

const servers: LoadServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(options: Parameters<typeof loadServer>[0] = {}): Promise<LoadServer> {
  const s = await loadServer(options);
  servers.push(s);
  return s;
}

describe('gangway load', () => {
  test('zero config on a URL: the JSON summary has requests, rps, latency and errors', async () => {
    const s = await server();
    const r = await cli([
      'load',
      `${s.url}/ping`,
      '--connections',
      '2',
      '--duration',
      '1s',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as Record<string, unknown> & {
      requests: number;
      rps: number;
      latency: Record<string, number>;
      errors: Record<string, number>;
    };
    assert.ok(json.requests > 10 && json.requests === s.count(), `requests ${json.requests}`);
    assert.ok(json.rps > 0);
    assert.deepEqual(Object.keys(json.latency), ['p50', 'p90', 'p95', 'p99', 'max']);
    for (const v of Object.values(json.latency)) assert.equal(typeof v, 'number');
    assert.deepEqual(json.errors, {});
  });

  test('--rate with --max-requests sends exactly that many; headers are sent and never printed', async () => {
    const s = await server();
    const r = await cli([
      'load',
      '/orders',
      '--base-url',
      s.url,
      '--rate',
      '100/s',
      '--max-requests',
      '25',
      '--header',
      'Authorization: Bearer load-s3cret-token',
      '--threshold',
      'p95 < 5s',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(s.count(), 25);
    assert.equal(s.lastHeaders().authorization, 'Bearer load-s3cret-token');
    assert.match(r.out, /requests\s+25 /);
    assert.match(r.out, /✓ p95 < 5s/);
    assert.doesNotMatch(r.out + r.err, /s3cret/);
  });

  test('a failed threshold exits 1 and says which; errors are counted by status', async () => {
    const s = await server({ status: (n) => (n % 2 ? 503 : 200) });
    const r = await cli([
      'load',
      s.url,
      '-c',
      '2',
      '-n',
      '40',
      '--threshold',
      'errorRate < 1%',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out) as { errors: Record<string, number>; thresholds: { passed: boolean }[] };
    assert.equal(json.errors['503'], 20);
    assert.equal(json.thresholds[0]?.passed, false);
  });

  const bad: [string, string[], RegExp][] = [
    ['no duration and no request limit', ['--connections', '2'], /--duration .* or --max-requests/],
    [
      'both --rate and --connections',
      ['--rate', '10', '--connections', '2', '-d', '1s'],
      /exclude each other/,
    ],
    ['a threshold that does not parse', ['-d', '1s', '--threshold', 'p95 fast'], /not a threshold/],
    ['a rate that is not one', ['--rate', 'lots', '-d', '1s'], /not a rate/],
  ];
  for (const [name, args, message] of bad) {
    test(`invalid input exits 2: ${name}`, async () => {
      const s = await server();
      const r = await cli(['load', s.url, ...args]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, message);
      assert.equal(s.count(), 0);
    });
  }
});
