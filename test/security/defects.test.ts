import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { z } from 'zod';
import type { security } from '../../src/checks/security.js';
import { generateCertificates, type SandboxCertificates } from '../../src/demo/certs.js';
import { type Defect, startApi, TOKENS } from './api.js';
import { errorCodes, runSecurity } from './harness.js';

// Everything that needs a second environment is on, so each defect is found among all the probes.
const ALL: z.input<typeof security.options> = {
  static: 'off',
  otherPartner: 'partner-b',
  revoked: ['sandbox-revoked'],
  unsafe: true,
};

/** Each seeded defect alone, and the one error code (on the operation) it must produce. */
const HTTP_CASES: [Defect, string, string[]][] = [
  ['auth-off', 'auth.not-enforced', ['listAccounts', 'createAccount', 'getAccount']],
  ['revoked-accepted', 'auth.revoked-accepted', ['listAccounts', 'createAccount', 'getAccount']],
  ['jwt-none', 'auth.jwt-unsigned-accepted', ['listAccounts', 'createAccount', 'getAccount']],
  ['card-number', 'sensitive.card-number', ['listAccounts', 'createAccount', 'getAccount']],
  ['stack-trace', 'errors.stack-trace', ['getAccount']],
  ['cors', 'cors.credentials-any-origin', ['listAccounts', 'getAccount']],
  ['no-rate-limit', 'rate-limit.absent', ['listAccounts']],
];

describe('security check over HTTP: one seeded defect at a time', () => {
  test('the clean API has no error finding, with every probe on', async () => {
    const api = await startApi(undefined);
    try {
      const { report } = await runSecurity(api.url, ALL);
      assert.deepEqual(errorCodes(report), []);
      assert.deepEqual(
        report.findings.filter((f) => f.severity === 'warning').map((f) => f.code),
        [],
      );
      assert.ok((report.measurements?.['rateLimit.limited'] ?? 0) > 0, 'the burst met the rate limit');
    } finally {
      await api.close();
    }
  });

  for (const [defect, code, operations] of HTTP_CASES) {
    test(`${defect} → ${code}`, async () => {
      const api = await startApi(defect);
      try {
        const { report } = await runSecurity(api.url, ALL);
        assert.deepEqual(errorCodes(report), [code]);
        const on = new Set(report.findings.filter((f) => f.code === code).map((f) => f.operation));
        assert.deepEqual([...on].sort(), [...operations].sort());
        assert.equal(report.findings.find((f) => f.code === code)?.severity, 'error');
      } finally {
        await api.close();
      }
    });
  }

  test('bola → tenancy.read-other on getAccount, tenancy.write-other on deleteAccount only with unsafe', async () => {
    // A server each: the first run's deletes and rate-limit burst must not shape the second.
    const api = await startApi('bola');
    const again = await startApi('bola');
    try {
      const safe = await runSecurity(api.url, { ...ALL, unsafe: false });
      assert.deepEqual(errorCodes(safe.report), ['tenancy.read-other']);
      assert.equal(
        safe.report.findings.find((f) => f.code === 'tenancy.read-other')?.operation,
        'getAccount',
      );
      const unsafe = await runSecurity(again.url, ALL);
      assert.deepEqual(errorCodes(unsafe.report), ['tenancy.read-other', 'tenancy.write-other']);
      assert.equal(
        unsafe.report.findings.find((f) => f.code === 'tenancy.write-other')?.operation,
        'deleteAccount',
      );
    } finally {
      await api.close();
      await again.close();
    }
  });

  test('a card number is reported masked, and neither it nor a token is kept in the evidence', async () => {
    const api = await startApi('card-number');
    try {
      const { report } = await runSecurity(api.url, ALL);
      const finding = report.findings.find(
        (f) => f.code === 'sensitive.card-number' && f.operation === 'getAccount',
      );
      assert.equal(finding?.pointer, '/card');
      assert.equal(finding?.actual, '************1111');
      const kept = JSON.stringify(report);
      assert.ok(!kept.includes('4111111111111111'), 'the PAN leaked into the report');
      for (const token of Object.values(TOKENS)) {
        const [, claims, signature] = token.split('.');
        assert.ok(!kept.includes(token), 'a credential leaked into the report');
        assert.ok(
          !kept.includes(`${claims}.${signature}`),
          'a forged copy of a credential leaked into the report',
        );
      }
    } finally {
      await api.close();
    }
  });

  test('probes asked for by name run alone; asked-for probes that cannot apply say why', async () => {
    const api = await startApi('card-number');
    try {
      const { report } = await runSecurity(api.url, { static: 'off', probes: ['cors', 'tls', 'tenancy'] });
      assert.deepEqual(errorCodes(report), []);
      const notes = report.findings.filter((f) => f.code === 'security.not-applicable').map((f) => f.message);
      assert.equal(notes.length, 2);
      assert.match(notes.join(' '), /tls: not run, .* is not HTTPS/);
      assert.match(notes.join(' '), /tenancy: not run, no otherPartner/);
    } finally {
      await api.close();
    }
  });
});

describe('security check over HTTPS', () => {
  let certs: SandboxCertificates;
  before(async () => {
    certs = await generateCertificates('127.0.0.1');
  });

  const run = async (defect: Defect | undefined) => {
    const api = await startApi(defect, certs.valid);
    try {
      return (await runSecurity(api.url, { static: 'off' }, { ca: certs.ca })).report;
    } finally {
      await api.close();
    }
  };

  test('the clean API has no error finding', async () => {
    const report = await run(undefined);
    assert.deepEqual(errorCodes(report), []);
    assert.ok(report.summary.includes('tls'), report.summary);
  });

  test('tls10 → tls.legacy-protocol for TLS 1.0 and 1.1', async () => {
    const report = await run('tls10');
    assert.deepEqual(errorCodes(report), ['tls.legacy-protocol']);
    const seen = report.findings.filter((f) => f.code === 'tls.legacy-protocol').map((f) => f.actual ?? '');
    assert.ok(
      seen.some((a) => a.startsWith('TLSv1 ')),
      seen.join(),
    );
    assert.ok(
      seen.some((a) => a.startsWith('TLSv1.1 ')),
      seen.join(),
    );
  });

  test('no-hsts → headers.hsts-missing, once for the host', async () => {
    const report = await run('no-hsts');
    assert.deepEqual(errorCodes(report), ['headers.hsts-missing']);
    const hsts = report.findings.filter((f) => f.code === 'headers.hsts-missing');
    assert.equal(hsts.length, 1);
    assert.equal(hsts[0]?.pointer, 'header:strict-transport-security');
    assert.equal(hsts[0]?.count, 3);
  });
});
