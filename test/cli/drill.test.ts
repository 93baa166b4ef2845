// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// `gangway drill` against the demo sandbox, in process, with timers divided by --speed: a latency spike
// through the fault proxy (real signed webhooks, escalation to level 2), schema drift through the sandbox's
// own fault switch (deliveries captured), a production environment refused, and a scenario whose fault never
// reaches the monitors failing with the expectation named.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_CLIENT_SECRET, type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';
import { cli, repoRoot, tempDir } from './helpers.js';

const HOOK_KEY = 'whsec-drill-5e1b';

// Durations are real-world ones; every test runs with --speed 60 (30s → 500ms, 5m → 5s, 2m → 2s).
const PLAYBOOK = `playbook: payments-drill
version: 1.0.0
api: { spec: ./openapi.yaml }
environments:
  staging:
    baseUrl: "\${secret.STAGING_URL}"
    auth:
      type: oauth2-client-credentials
      tokenUrl: /oauth/token
      clientId: demo-client
      clientSecret: "\${secret.client_secret}"
  secure:
    baseUrl: "\${secret.SECURE_URL}"
    tls: { ca: ./sandbox-ca.pem }
  production:
    baseUrl: "\${secret.STAGING_URL}"
    production: true
stages:
  - id: sandbox
    environment: staging
    checks:
      - id: contract
        contract: { operations: [createPayment], maxCasesPerOperation: 1, authProbes: false }
      - { id: creds, credentials: { operation: listPayments } }
  - id: verification
    environment: secure
    checks:
      - { id: tls, tls: { minDaysLeft: 14 } }
monitors:
  - { id: api-health, check: { health: { path: /health, samples: 1 } }, environment: production, every: 30s, jitter: 0ms, timeout: 10s }
  - { id: payments-contract, use: sandbox/contract, environment: production, every: 30s, jitter: 0ms, timeout: 10s }
  - { id: api-creds, use: sandbox/creds, environment: production, every: 30s, jitter: 0ms, timeout: 10s }
  - { id: api-tls, use: verification/tls, environment: production, every: 30s, jitter: 0ms, timeout: 10s }
detectors:
  - { id: slow, kind: latency-spike, severity: SEV1, threshold: 1s, window: 5m, minSamples: 2, monitors: [api-health] }
  - { kind: schema-drift, severity: SEV2, monitors: [payments-contract] }
  - { kind: credential-failing, severity: SEV2, monitors: [api-creds] }
  - { kind: certificate-expiring, severity: SEV2, days: 14, monitors: [api-tls] }
severities:
  SEV1: { acknowledge: 10m, resolve: 1h }
  SEV2: { acknowledge: 30m }
escalation:
  SEV1:
    levels:
      - { notify: [pager] }
      - { notify: [manager], after: 2m }
      - { notify: [director], after: 10m }
  SEV2:
    - { notify: [pager] }
notifiers:
  pager: { type: webhook, url: "\${secret.HOOK_URL}/pager", secret: "\${secret.hook_key}" }
  manager: { type: webhook, url: "\${secret.HOOK_URL}/manager", secret: "\${secret.hook_key}" }
  director: { type: webhook, url: "\${secret.HOOK_URL}/director", secret: "\${secret.hook_key}" }
drills:
  notifyWithin: 10s
  faultSwitches:
    staging: { url: /__admin/faults }
    secure: { url: /__admin/faults }
  scenarios:
    elsewhere:
      description: latency on a path no monitor calls
      detector: slow
      fault: { proxy: { type: latency, latency: 1500ms, path: /nowhere } }
`;

describe('gangway drill', () => {
  let sandbox: Sandbox;
  let hooks: Receiver;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const drill = (...argv: string[]) =>
    cli(['drill', join(dir, 'playbook.yaml'), '--speed', '60', ...argv], { env, cwd: dir });

  before(async () => {
    sandbox = await startSandbox({ https: true });
    hooks = await startReceiver();
    dir = tempDir();
    writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK);
    copyFileSync(join(repoRoot, 'examples/payments/openapi.yaml'), join(dir, 'openapi.yaml'));
    // The HTTPS listener's certificate comes from the sandbox's own CA, given as a file as a user would.
    writeFileSync(join(dir, 'sandbox-ca.pem'), sandbox.ca ?? '');
    env = {
      GANGWAY_SECRET_STAGING_URL: sandbox.url,
      GANGWAY_SECRET_SECURE_URL: sandbox.httpsUrl ?? '',
      GANGWAY_SECRET_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      GANGWAY_SECRET_HOOK_URL: hooks.url,
      GANGWAY_SECRET_HOOK_KEY: HOOK_KEY,
    };
  });

  after(async () => {
    await sandbox?.close();
    await hooks?.close();
  });

  test('latency via the fault proxy: detected, level 1 then level 2 at its deadline, recovered', {
    timeout: 60_000,
  }, async () => {
    const report = join(dir, 'latency.json');
    const r = await drill(
      '--scenario',
      'latency-spike',
      '--env',
      'staging',
      '--escalate',
      '--report',
      report,
    );
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /# Drill latency-spike on staging: PASS/);
    assert.match(r.out, /divided by 60/);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      score: { pass: boolean; passed: number; total: number };
      expectations: { id: string; pass: boolean }[];
      incident: { title: string; status: string };
    };
    assert.equal(json.score.pass, true);
    assert.deepEqual(
      json.expectations.map((e) => e.id),
      ['healthy', 'detected', 'notified', 'escalated', 'recovered', 'once', 'marked'],
    );
    assert.match(json.incident.title, /^DRILL latency-spike/);
    assert.equal(json.incident.status, 'resolved');
    // Real notifications: signed, DRILL in the text, level 2 once, level 3 never.
    const paths = hooks.requests.map((q) => q.url);
    assert.ok(paths.includes('/pager') && paths.includes('/manager'), paths.join(', '));
    assert.ok(!paths.includes('/director'), 'acknowledged after level 2: level 3 never paged');
    const first = hooks.requests.find((q) => q.url === '/pager');
    assert.ok(first);
    assert.ok(
      verifyWebhookSignature(HOOK_KEY, String(first.headers['gangway-signature']), first.body, Date.now()),
    );
    for (const q of hooks.requests) assert.match(String((q.json as { text?: string }).text), /DRILL/);
    const escalations = hooks.requests.filter(
      (q) => q.url === '/manager' && (q.json as { event?: string }).event === 'escalated',
    );
    assert.equal(escalations.length, 1);
  });

  test("schema drift via the sandbox's fault switch, deliveries captured", { timeout: 60_000 }, async () => {
    const before = hooks.requests.length;
    const r = await drill('--scenario', 'schema-drift', '--env', 'staging', '--notify', 'capture');
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /PASS/);
    assert.match(r.out, /## Captured deliveries/);
    assert.match(r.out, /\| pager \| triggered \| .*DRILL schema-drift/);
    assert.equal(hooks.requests.length, before, 'captured: nothing sent to the real receivers');
    assert.deepEqual(sandbox.faults(), [], 'the fault is cleared afterwards');
  });

  test('an expiring certificate over HTTPS: the switch and the monitors trust the CA file', {
    timeout: 60_000,
  }, async () => {
    const r = await drill('--scenario', 'certificate-expiring', '--env', 'secure', '--notify', 'capture');
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /# Drill certificate-expiring on secure: PASS/);
    assert.match(r.out, /\| pager \| triggered \| .*DRILL certificate-expiring/);
    assert.deepEqual(sandbox.faults(), [], 'the fault is cleared afterwards');
    assert.equal(r.err.includes('BEGIN CERTIFICATE'), false, 'no PEM in the progress lines');
  });

  test('failing credentials through the switch: the token endpoint breaks, then heals', {
    timeout: 60_000,
  }, async () => {
    const r = await drill('--scenario', 'credential-failing', '--env', 'staging', '--notify', 'capture');
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /# Drill credential-failing on staging: PASS/);
    assert.match(r.out, /\| pager \| triggered \| .*DRILL credential-failing/);
    assert.deepEqual(sandbox.faults(), []);
  });

  test('latency via the fault proxy in front of an HTTPS environment with its own CA', {
    timeout: 60_000,
  }, async () => {
    const r = await drill('--scenario', 'latency-spike', '--env', 'secure', '--notify', 'capture');
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /# Drill latency-spike on secure: PASS/);
  });

  test('a production environment is refused', async () => {
    const r = await drill('--scenario', 'latency-spike', '--env', 'production');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /production/);
    assert.equal(r.out, '');
  });

  test('a switch scenario without a declared switch names what to declare', async () => {
    const text = PLAYBOOK.replace(
      '    staging: { url: /__admin/faults }\n',
      '    other: { url: /x }\n',
    ).replace('  other:', '  other:');
    writeFileSync(
      join(dir, 'noswitch.yaml'),
      text.replace('environments:\n', 'environments:\n  other: { baseUrl: http://127.0.0.1:1 }\n'),
    );
    const r = await cli(
      ['drill', join(dir, 'noswitch.yaml'), '--scenario', 'schema-drift', '--env', 'staging'],
      { env, cwd: dir },
    );
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /drills\.faultSwitches\.staging/);
  });

  test('a fault that never reaches the monitors fails, naming the expectation', {
    timeout: 60_000,
  }, async () => {
    const r = await drill('--scenario', 'elsewhere', '--env', 'staging', '--notify', 'capture');
    assert.equal(r.code, 1, `${r.out}\n${r.err}`);
    assert.match(r.out, /# Drill elsewhere on staging: FAIL/);
    assert.match(
      r.out,
      /\| detector slow fired and an incident opened \| ≤ [\d.]+s \| no incident \| \*\*FAIL\*\*/,
    );
  });
});
