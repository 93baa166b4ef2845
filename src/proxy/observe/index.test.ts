import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../core/errors.js';
import type { ClientFinding, ClientFindingCode } from '../observation.js';
import { FINDING_WEIGHTS, judgeClients, renderClientReports, scoreFindings } from './index.js';
import { Script } from './script.test-helper.js';

const BEHAVIOURS = [
  'conformance',
  'backoff',
  'jitter',
  'retry-after',
  'idempotency-key-present',
  'idempotency-key-reuse',
  'unsafe-retry',
  'token-reuse',
  'timeouts',
  'circuit-breaking',
  'recovery',
];

function accounted(
  report: { passed: string[]; notJudged: { behaviour: string }[] },
  judgedWithFindings: string[],
) {
  const seen = [
    ...report.passed.map((p) => p.split(':')[0]!),
    ...report.notJudged.map((n) => n.behaviour),
    ...judgedWithFindings,
  ];
  return [...seen].sort();
}

describe('judgeClients', () => {
  test('traffic that exercises nothing: every behaviour is "not judged" with a reason, never a silent pass', () => {
    const s = new Script();
    s.req({ at: 0 });
    s.req({ at: 10, client: 'b' });
    const reports = judgeClients(s.list);
    assert.deepEqual(
      reports.map((r) => r.client),
      ['a', 'b'],
    );
    for (const r of reports) {
      assert.equal(r.score, 100);
      assert.deepEqual(r.passed, []);
      assert.deepEqual(r.notJudged.map((n) => n.behaviour).sort(), [...BEHAVIOURS].sort());
      for (const n of r.notJudged) assert.ok(n.why.length > 10, n.behaviour);
    }
  });

  test('a hammering client with keyless creates is scored down by the documented weights', () => {
    const s = new Script();
    s.chain(0, [1, 1, 1], { method: 'POST', url: '/payments', bodyFingerprint: 'f' }, { status: 503 }, 201);
    const [report] = judgeClients(s.list);
    assert.ok(report);
    const codes = report.findings.map((f) => `${f.severity} ${f.code}`).sort();
    assert.deepEqual(codes, [
      'error client.retry-no-backoff',
      'error client.unsafe-retry',
      'warning client.idempotency-key-missing',
    ]);
    assert.equal(
      report.score,
      100 -
        FINDING_WEIGHTS['client.retry-no-backoff'] -
        FINDING_WEIGHTS['client.unsafe-retry'] -
        FINDING_WEIGHTS['client.idempotency-key-missing'] / 2,
    );
    assert.equal(report.findings[0]?.severity, 'error', 'errors first');
    const withFindings = ['backoff', 'unsafe-retry', 'idempotency-key-present'];
    assert.deepEqual(accounted(report, withFindings), [...BEHAVIOURS].sort());
  });

  test('the score never goes below 0', () => {
    const f: Omit<ClientFinding, 'code'> = {
      severity: 'error',
      message: '',
      remediation: '',
      evidence: [],
      count: 1,
    };
    const all = Object.keys(FINDING_WEIGHTS).map((code) => ({ ...f, code: code as ClientFindingCode }));
    assert.equal(scoreFindings(all), 0);
    assert.equal(scoreFindings([{ ...f, code: 'client.no-timeout', severity: 'info' }]), 100);
  });

  test('invalid options are an InputError naming the field', () => {
    assert.throws(
      () => judgeClients([], { timeoutMs: -1 }),
      (e: unknown) =>
        e instanceof InputError && e.code === 'observe.options-invalid' && /timeoutMs/.test(e.message),
    );
    assert.throws(() => judgeClients([], { bogus: 1 } as never), InputError);
  });
});

describe('renderClientReports', () => {
  const s = new Script();
  s.chain(0, [1, 1, 1], { client: 'acme|mobile' });
  const reports = judgeClients(s.list);

  test('text: score, findings with fix and evidence, and the behaviours not judged with why', () => {
    const text = renderClientReports(reports, 'text');
    assert.match(text, /client acme\|mobile: score 75\/100/);
    assert.match(text, /✗ error client\.retry-no-backoff \(-25\)/);
    assert.match(text, /fix: Wait before each retry/);
    assert.match(text, /evidence: exchanges #0, #1, #2, #3/);
    assert.match(text, /not judged: timeouts, because no request/);
  });

  test('markdown: a summary table, then a table of findings per client, pipes escaped', () => {
    const md = renderClientReports(reports, 'markdown');
    assert.match(md, /\| acme\\\|mobile \| 75 \| 4 \| 1 \| 0 \|/);
    assert.match(md, /\| error \| `client\.retry-no-backoff` \| -25 \|/);
    assert.match(md, /- \*\*timeouts\*\*: no request/);
  });

  test('no traffic says so', () => {
    assert.match(renderClientReports([], 'text'), /no client traffic was observed/);
  });
});
