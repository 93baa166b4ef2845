// The tls check against the demo sandbox's HTTPS listener, trusting the sandbox's CA: a sound
// certificate, one TLS accepts but that expires in a few days, and an expired one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXPIRING_DAYS_LEFT } from '../demo/certs.js';
import { type Sandbox, startSandbox } from '../demo/sandbox.js';
import { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import type { CheckContext } from './kind.js';
import { tls } from './tls.js';

function context(baseUrl: string, ca: string): CheckContext {
  const redactor = new Redactor();
  return {
    checkId: 'tls',
    environment: {
      name: 'sandbox',
      baseUrl,
      production: false,
      auth: { type: 'none' },
      tls: { ca },
      variables: {},
      headerNames: [],
    },
    http: new HttpClient({ redactor, baseUrl }),
    redactor,
    flows: {},
    seed: 1,
    baseDir: '.',
    progress: () => {},
    now: () => new Date(),
  };
}

const never = new AbortController().signal;

describe('tls check on the demo sandbox', () => {
  let sandbox: Sandbox;
  let ctx: CheckContext;
  before(async () => {
    sandbox = await startSandbox({ https: true });
    ctx = context(sandbox.httpsUrl!, sandbox.ca!);
  });
  after(() => sandbox.close());
  const run = () => tls.run(ctx, tls.options.parse({ minDaysLeft: 14 }), never);

  test('a sound certificate: no finding, 89 days left', async () => {
    sandbox.setFaults([]);
    const report = await run();
    assert.deepEqual(report.findings, []);
    assert.equal(report.measurements?.['tls.daysLeft'], 89);
  });

  test('cert-expiring: trusted, only tls.expiring, the days left measured', async () => {
    sandbox.setFaults(['cert-expiring']);
    const report = await run();
    assert.deepEqual(
      report.findings.map((f) => f.code),
      ['tls.expiring'],
    );
    assert.equal(report.findings[0]?.actual, `${EXPIRING_DAYS_LEFT} days left`);
    assert.equal(report.measurements?.['tls.daysLeft'], EXPIRING_DAYS_LEFT);
  });

  test('cert-expired: tls.expired counting whole days since it expired, not untrusted', async () => {
    sandbox.setFaults(['cert-expired']);
    const report = await run();
    assert.deepEqual(
      report.findings.map((f) => f.code),
      ['tls.expired'],
    );
    // The sandbox's expired certificate ran out a day (and a fraction of a second) ago.
    assert.equal(report.findings[0]?.actual, 'expired 1 day(s) ago');
    assert.equal(report.measurements?.['tls.daysLeft'], -2);
  });
});
