// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Issue 6's acceptance walk, with scaled-down timers, on the demo sandbox: latency injected → a
// latency-spike incident opens → level 1 gets a signed webhook and a real email → nobody acknowledges →
// level 2 at its deadline → the service restarts before level 3's deadline, which still fires exactly
// once → acknowledged → escalation stops → fault cleared → auto-resolved → the report has the times.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import type { Receiver } from '../notify/receiver.js';
import {
  type Arrival,
  assertNoDeliveryTwice,
  escalationsTo,
  firstOpenIncident,
  incidentStatus,
  incidentTimeline,
  type OpsService,
  onboardAcme,
  startArrivalsReceiver,
  startOpsService,
  until,
} from './ops-support.js';

const HOOK_KEY = 'whsec-test-4f1c9a';
const KEY = Buffer.alloc(32, 9).toString('base64');

function playbook(smtpPort: number): string {
  return `playbook: payments-ops
version: 1.0.0
environments:
  live: { baseUrl: "\${secret.LIVE_URL}" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
  - id: api-health
    check: { health: { path: /health, samples: 1 } }
    environment: live
    every: 250ms
    jitter: 0ms
    timeout: 5s
detectors:
  - kind: latency-spike
    severity: SEV1
    threshold: 1s
    window: 4s
    minSamples: 2
    recoverAfter: 2
severities:
  SEV1: { acknowledge: 20s, resolve: 60s }
escalation:
  SEV1:
    levels:
      - { notify: [level1, mail] }
      - { notify: [level2], after: 3s }
      - { notify: [level3], after: 8s }
      - { notify: [level4], after: 30s }
notifiers:
  level1: { type: webhook, url: "\${secret.HOOK_URL}/l1", secret: "\${secret.hook_key}" }
  level2: { type: webhook, url: "\${secret.HOOK_URL}/l2", secret: "\${secret.hook_key}" }
  level3: { type: webhook, url: "\${secret.HOOK_URL}/l3", secret: "\${secret.hook_key}" }
  level4: { type: webhook, url: "\${secret.HOOK_URL}/l4", secret: "\${secret.hook_key}" }
  mail: { type: email, host: 127.0.0.1, port: ${smtpPort}, secure: false, from: gangway@example.com, to: [oncall@example.com] }
`;
}

describe('operations: latency spike → incident → escalation survives a restart → ack → auto-resolve', () => {
  let sandbox: Sandbox;
  let hooks: Receiver;
  let smtp: SMTPServer;
  const mails: { at: number; mail: ParsedMail }[] = [];
  let ops: OpsService;
  const arrivals: Arrival[] = [];

  before(async () => {
    sandbox = await startSandbox();
    hooks = await startArrivalsReceiver(arrivals);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            mails.push({ at: Date.now(), mail });
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    ops = await startOpsService({
      secretKey: KEY,
      dataDirPrefix: 'gangway-ops-',
      publicUrl: 'https://gangway.example',
    });
    const { monitoring } = await onboardAcme(
      ops.api,
      { playbookText: playbook(smtpPort) },
      { LIVE_URL: sandbox.url, HOOK_URL: hooks.url, hook_key: HOOK_KEY },
    );
    assert.equal(monitoring.enabled, true);
  });

  after(async () => {
    await ops?.close();
    await sandbox?.close();
    await hooks?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  test('the whole walk', { timeout: 120_000 }, async () => {
    // Healthy first: samples flow, no incident.
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await ops.api<{ items: unknown[] }>('GET', '/api/v1/incidents')).body.items.length, 0);

    sandbox.setFaults(['slow']);
    const slowSince = Date.now();
    type Item = { id: string; status: string; openedAt: string; detectorKind: string };
    const incident = await until('the incident', () => firstOpenIncident<Item>(ops.api));
    assert.equal(incident.detectorKind, 'latency-spike');
    const openedAt = Date.parse(incident.openedAt);
    assert.ok(
      openedAt - slowSince < 4_000 + 3_000,
      'opened within the detector window (plus one slow sample)',
    );

    // Level 1: a correctly signed webhook, and a real email.
    const l1 = await until('level 1', () => arrivals.find((a) => a.path === '/l1'));
    assert.ok(verifyWebhookSignature(HOOK_KEY, l1.signature, l1.body, Date.now()), 'signature verifies');
    assert.equal(JSON.parse(l1.body).event, 'triggered');
    const mail = await until('the email', () => mails[0]);
    assert.match(mail.mail.subject ?? '', /SEV1/);
    assert.match(mail.mail.text ?? '', /acknowledge/i, 'the mail carries the signed acknowledge link');

    // Nobody acknowledges: level 2 at its deadline, within a second.
    const l2 = await until('level 2', () => arrivals.find((a) => a.path === '/l2'));
    assert.ok(
      Math.abs(l2.at - (openedAt + 3_000)) < 1_000,
      `level 2 ${l2.at - openedAt} ms after the trigger`,
    );

    // Restart before level 3's deadline (8 s): it still fires, once.
    await ops.restart();
    const l3 = await until('level 3', () => arrivals.find((a) => a.path === '/l3'));
    assert.ok(
      Math.abs(l3.at - (openedAt + 8_000)) < 1_000,
      `level 3 ${l3.at - openedAt} ms after the trigger`,
    );

    // Acknowledge: escalation stops (level 4 never comes).
    const ack = await ops.api<{ status: string; acknowledgedBy: string | null; triggeredAt: string | null }>(
      'POST',
      `/api/v1/incidents/${incident.id}/acknowledge`,
      {},
    );
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.status, 'acknowledged');
    assert.ok(ack.body.acknowledgedBy, 'the incident says who acknowledged');
    // The state machine's trigger time: when the engine took the signal, just after the signal's own time.
    const triggered = Date.parse(ack.body.triggeredAt ?? '') - openedAt;
    assert.ok(triggered >= 0 && triggered < 1000, `triggered ${triggered} ms after the signal`);

    // Clear the fault: recovery resolves it by itself.
    sandbox.setFaults([]);
    await until(
      'auto-resolve',
      async () => ((await incidentStatus(ops.api, incident.id)) === 'resolved' ? true : undefined),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    assertNoDeliveryTwice(arrivals);
    assert.equal(escalationsTo(arrivals, '/l3'), 1, 'level 3 exactly once across the restart');
    assert.ok(
      arrivals.some((a) => a.path === '/l3' && a.key.includes(':acknowledged:')),
      'the acknowledgement is told to everyone paged',
    );
    assert.equal(escalationsTo(arrivals, '/l2'), 1, 'level 2 exactly once');
    assert.equal(escalationsTo(arrivals, '/l4'), 0, 'no escalation after the acknowledgement');

    const report = await ops.api<{ markdown: string }>('GET', `/api/v1/incidents/${incident.id}/report`);
    assert.equal(report.status, 200);
    assert.match(report.body.markdown, /## Response times/);
    assert.match(report.body.markdown, /Acknowledge/i);
    assert.match(report.body.markdown, /Resolv/i);
    const metrics = await ops.api<{
      operations: {
        incidents: number;
        mtta: { count: number; mean: number };
        mttr: { count: number };
        bySeverity: Record<string, number>;
      };
    }>('GET', '/api/v1/metrics');
    assert.equal(metrics.status, 200, JSON.stringify(metrics.body));
    assert.equal(metrics.body.operations.incidents, 1);
    assert.equal(metrics.body.operations.mtta.count, 1);
    assert.ok(metrics.body.operations.mtta.mean >= 8_000, 'acknowledged after level 3');
    assert.equal(metrics.body.operations.mttr.count, 1);
    assert.deepEqual(metrics.body.operations.bySeverity, { SEV1: 1 });
    const prometheus = await fetch(`${ops.server.url}/metrics`, {
      headers: { authorization: `Bearer ${ops.admin}` },
    });
    const text = await prometheus.text();
    assert.match(text, /^gangway_mtta_seconds_count 1$/m);
    assert.match(text, /^gangway_incidents\{severity="SEV1"\} 1$/m);

    const timeline = await incidentTimeline<{ type: string }>(ops.api, incident.id);
    const types = timeline.map((e) => e.type);
    for (const t of ['triggered', 'escalated', 'acknowledged', 'resolved', 'notification'])
      assert.ok(types.includes(t), `timeline has ${t}: ${types.join(', ')}`);
  });
});
