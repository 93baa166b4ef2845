// Observe mode end to end: small client programs, well and badly behaved, call a payments API through the real
// fault proxy; the judges must call out each bad client with the right code and find no error in the good one.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FaultProxy, startProxy } from '../../../src/proxy/index.js';
import type { ClientReport } from '../../../src/proxy/observation.js';
import { judgeClients, renderClientReports } from '../../../src/proxy/observe/index.js';
import { goodPolicy } from './clients/good.js';
import { hammeringPolicy } from './clients/hammering.js';
import { keyPerRetryPolicy } from './clients/key-per-retry.js';
import type { Policy } from './clients/kit.js';
import { noBreakerPolicy } from './clients/no-breaker.js';
import { noKeyPolicy } from './clients/no-key.js';
import { noTimeoutPolicy } from './clients/no-timeout.js';
import { sloppyPolicy } from './clients/sloppy.js';
import { tokenPerCallPolicy } from './clients/token-per-call.js';
import {
  observeClient,
  type PaymentsApi,
  SCENARIO_OPTIONS,
  startPaymentsApi,
} from './scenario.test-helper.js';

const POLICIES: Policy[] = [
  goodPolicy,
  hammeringPolicy,
  keyPerRetryPolicy,
  noKeyPolicy,
  tokenPerCallPolicy,
  noTimeoutPolicy,
  noBreakerPolicy,
  sloppyPolicy,
];

function codes(report: ClientReport | undefined, severity: 'error' | 'warning'): string[] {
  assert.ok(report, 'the client was observed');
  return [...new Set(report.findings.filter((f) => f.severity === severity).map((f) => f.code))].sort();
}

describe('observe mode, end to end', { timeout: 60_000 }, () => {
  let api: PaymentsApi;
  const reports = new Map<string, ClientReport>();

  before(async () => {
    api = await startPaymentsApi();
    // Every client through its own proxy at once: the scenario takes a few seconds of scaled-down timers.
    const recordings = await Promise.all(POLICIES.map((p) => observeClient(api, p)));
    for (const exchanges of recordings) {
      for (const report of judgeClients(exchanges, SCENARIO_OPTIONS)) reports.set(report.client, report);
    }
  });
  after(() => api.close());

  test('the well-behaved client: no error, every behaviour judged', () => {
    const good = reports.get('good');
    const text = renderClientReports(good ? [good] : []);
    assert.deepEqual(codes(good, 'error'), [], text);
    assert.deepEqual(
      good!.notJudged.map((n) => n.behaviour),
      [],
      text,
    );
  });

  const expected: [string, string[], string[]?][] = [
    ['hammering', ['client.retry-after-ignored', 'client.retry-no-backoff']],
    ['key-per-retry', ['client.idempotency-key-changed']],
    ['no-key', ['client.unsafe-retry'], ['client.idempotency-key-missing']],
    ['token-per-call', ['client.token-per-call']],
    ['no-timeout', ['client.no-timeout']],
    ['no-breaker', [], ['client.no-circuit-breaking']],
    ['sloppy', ['client.request-nonconformant']],
  ];
  for (const [client, errors, warnings = []] of expected) {
    test(`the ${client} client is called out (${[...errors, ...warnings].join(', ')}), the good one is not`, () => {
      const report = reports.get(client);
      const text = renderClientReports(report ? [report] : []);
      assert.deepEqual(codes(report, 'error'), errors, text);
      for (const w of warnings) assert.ok(codes(report, 'warning').includes(w), text);
      const good = reports.get('good')!;
      const confused = good.findings.filter((f) => [...errors, ...warnings].includes(f.code));
      assert.deepEqual(confused, [], renderClientReports([good]));
      assert.ok(report!.score < 100, text);
    });
  }
});

describe('a client program from the command line', { timeout: 30_000 }, () => {
  let api: PaymentsApi;
  let proxy: FaultProxy;
  let child: ChildProcess | undefined;
  before(async () => {
    api = await startPaymentsApi();
    proxy = await startProxy({ upstream: api.url, spec: api.spec });
  });
  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid);
    await proxy.close();
    await api.close();
  });

  test('runs its script through the proxy and exits 0; without faults the judges find nothing wrong', async () => {
    const program = fileURLToPath(new URL('./clients/good.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', program, proxy.url], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    assert.equal(code, 0);
    const [report] = judgeClients(proxy.observations(), SCENARIO_OPTIONS);
    assert.equal(report?.client, 'good');
    assert.ok(report.requests > 10, `${report.requests} requests`);
    assert.deepEqual(report.findings, [], renderClientReports([report]));
    assert.ok(report.passed.some((p) => p.startsWith('token-reuse')));
  });
});
