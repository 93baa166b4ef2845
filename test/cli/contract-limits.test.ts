import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { allFindings, cli, readReport, tempDir } from './helpers.js';

const SPEC = `openapi: 3.1.0
info: { title: Clock, version: 1.0.0 }
paths:
  /a: { get: { operationId: getA, responses: { '200': { description: ok, content: { application/json: { schema: { type: object } } } } } } }
  /b: { get: { operationId: getB, responses: { '200': { description: ok, content: { application/json: { schema: { type: object } } } } } } }
  /c: { get: { operationId: getC, responses: { '200': { description: ok, content: { application/json: { schema: { type: object } } } } } } }
`;

/** A server whose /b answers after `delayMs`; the others at once. */
async function start(delayMs: number) {
  const times: number[] = [];
  const server = createServer((req, res) => {
    times.push(performance.now());
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (req.url === '/b') setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    times,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function run(delayMs: number, flags: string[]) {
  const dir = tempDir();
  writeFileSync(join(dir, 'clock.yaml'), SPEC);
  const server = await start(delayMs);
  try {
    const startedAt = performance.now();
    const result = await cli([
      'contract',
      join(dir, 'clock.yaml'),
      '--base-url',
      server.url,
      '--report',
      `json=${join(dir, 'r.json')}`,
      ...flags,
    ]);
    return {
      ...result,
      startedAt,
      report: result.code === 2 ? undefined : readReport(join(dir, 'r.json')),
      times: server.times,
    };
  } finally {
    await server.close();
  }
}

describe('gangway contract: limits', () => {
  test('--rate spaces the requests', async () => {
    const { code, times, startedAt } = await run(0, ['--rate', '10']);
    assert.equal(code, 0);
    assert.equal(times.length, 3);
    // Pacing bounds when a request may leave, so the third cannot arrive before two intervals have passed
    // (arrival can only be later: a loaded machine delays, never hastens).
    const third = times[2]! - startedAt;
    assert.ok(
      third >= 200,
      `the third request at 10/s arrives ≥ 200ms after the start, saw ${Math.round(third)}ms`,
    );
  });

  test('--max-latency makes a slow response a finding on its operation', async () => {
    const { code, report } = await run(150, ['--max-latency', '100ms']);
    assert.equal(code, 1);
    const slow = allFindings(report!).filter((f) => f.code === 'response.slow');
    assert.deepEqual(
      slow.map((f) => f.operation),
      ['getB'],
    );
  });

  test('--time-budget stops the run: the check errors with check.timeout', async () => {
    const { code, report } = await run(3000, ['--time-budget', '500ms']);
    assert.equal(code, 1);
    assert.equal(report!.checks[0]!.outcome, 'errored');
    assert.equal(report!.checks[0]!.error?.code, 'check.timeout');
  });

  test('a malformed --max-latency or --rate is invalid input', async () => {
    assert.equal((await run(0, ['--max-latency', 'soon'])).code, 2);
    assert.equal((await run(0, ['--rate', '0'])).code, 2);
  });
});
