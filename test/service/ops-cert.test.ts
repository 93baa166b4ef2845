// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Issue 6's acceptance walk for an expiring certificate, on the demo sandbox's HTTPS listener: a `tls`
// monitor reusing a stage's check → the sandbox's `cert-expiring` fault (a certificate TLS still accepts,
// 3 days left) → a certificate-expiring incident with the days left → level 1 gets a signed webhook →
// acknowledged → fault cleared → resolved. Then `cert-expired` re-opens the same incident (a flap), and
// clearing it resolves it again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXPIRING_DAYS_LEFT } from '../../src/demo/certs.js';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import type { Receiver } from '../notify/receiver.js';
import {
  type Arrival,
  assertNoDeliveryTwice,
  firstOpenIncident,
  incidentStatus,
  incidentTimeline,
  monitorSamples,
  type OpsService,
  onboardAcme,
  startArrivalsReceiver,
  startOpsService,
  until,
} from './ops-support.js';

const HOOK_KEY = 'whsec-test-c3a911';
const KEY = Buffer.alloc(32, 5).toString('base64');

const PLAYBOOK = `playbook: payments-cert
version: 1.0.0
environments:
  live:
    baseUrl: "\${secret.LIVE_URL}"
    tls: { ca: "\${secret.sandbox_ca}" }
stages:
  - id: verification
    environment: live
    checks:
      - { id: tls, tls: { minDaysLeft: 14 } }
monitors:
  - { id: api-tls, use: verification/tls, environment: live, every: 250ms, jitter: 0ms, timeout: 5s }
detectors:
  - { kind: certificate-expiring, severity: SEV3, days: 14, recoverAfter: 2 }
severities:
  SEV3: { acknowledge: 30s, resolve: 60s }
escalation:
  SEV3:
    levels:
      - { notify: [oncall] }
      - { notify: [manager], after: 20s }
notifiers:
  oncall: { type: webhook, url: "\${secret.HOOK_URL}/oncall", secret: "\${secret.hook_key}" }
  manager: { type: webhook, url: "\${secret.HOOK_URL}/manager", secret: "\${secret.hook_key}" }
`;

type Sample = {
  at: number;
  outcome: string;
  measurements: Record<string, number>;
  findings: { code: string }[];
};
type Item = { id: string; status: string; openedAt: string; detectorKind: string; summary: string };
type Entry = { type: string; message: string; data: { details?: Record<string, unknown> } };

describe('operations: expiring certificate → incident → notified → ack → renewed → resolved', () => {
  let sandbox: Sandbox;
  let hooks: Receiver;
  let ops: OpsService;
  let onboardingId: string;
  const arrivals: Arrival[] = [];

  const samplesSince = async (since: number) =>
    (await monitorSamples<Sample>(ops.api, onboardingId, 'api-tls')).filter((s) => s.at >= since);

  before(async () => {
    sandbox = await startSandbox({ https: true });
    hooks = await startArrivalsReceiver(arrivals);
    ops = await startOpsService({
      secretKey: KEY,
      dataDirPrefix: 'gangway-ops-cert-',
      publicUrl: 'https://gangway.example',
    });
    ({ onboardingId } = await onboardAcme(
      ops.api,
      { playbookText: PLAYBOOK },
      {
        LIVE_URL: sandbox.httpsUrl!,
        sandbox_ca: sandbox.ca!,
        HOOK_URL: hooks.url,
        hook_key: HOOK_KEY,
      },
    ));
  });

  after(async () => {
    await ops?.close();
    await sandbox?.close();
    await hooks?.close();
  });

  test('the whole walk', { timeout: 120_000 }, async () => {
    // Healthy first: the tls check passes with the 90-day certificate, no incident.
    const healthy = await until('two passing tls samples', async () => {
      const all = await samplesSince(0);
      const passed = all.filter((s) => s.outcome === 'passed');
      return passed.length >= 2 ? passed : undefined;
    });
    assert.ok((healthy[0]?.measurements['tls.daysLeft'] ?? 0) > 80);
    assert.equal((await ops.api<{ items: unknown[] }>('GET', '/api/v1/incidents')).body.items.length, 0);

    sandbox.setFaults(['cert-expiring']);
    const since = Date.now();
    const incident = await until('the incident', () => firstOpenIncident<Item>(ops.api));
    assert.equal(incident.detectorKind, 'certificate-expiring');
    const openedAt = Date.parse(incident.openedAt);
    assert.ok(openedAt - since < 5_000, `opened ${openedAt - since} ms after the switch`);
    assert.match(incident.summary, new RegExp(`expires in ${EXPIRING_DAYS_LEFT} day\\(s\\)`));
    const timeline = await incidentTimeline<Entry>(ops.api, incident.id);
    const triggered = timeline.find((e) => e.type === 'triggered');
    const { firstSeenAt, ...details } = triggered?.data.details ?? {};
    assert.deepEqual(details, { daysLeft: EXPIRING_DAYS_LEFT, days: 14 });
    assert.ok(typeof firstSeenAt === 'number' && firstSeenAt >= since && firstSeenAt <= openedAt);

    // The detector fired, not TLS: the handshake was trusted, only the days left are short.
    const expiring = (await samplesSince(since)).filter(
      (s) => s.measurements['tls.daysLeft'] === EXPIRING_DAYS_LEFT,
    );
    assert.ok(expiring.length > 0, 'samples of the expiring certificate');
    for (const s of expiring)
      assert.deepEqual(
        s.findings.map((f) => f.code),
        ['tls.expiring'],
      );

    // Level 1: a correctly signed webhook naming the days left.
    const l1 = await until('level 1', () => arrivals.find((a) => a.path === '/oncall'));
    assert.ok(verifyWebhookSignature(HOOK_KEY, l1.signature, l1.body, Date.now()), 'signature verifies');
    const payload = JSON.parse(l1.body) as { event: string; incident: { summary: string } };
    assert.equal(payload.event, 'triggered');
    assert.match(payload.incident.summary, /expires in 3 day/);

    const ack = await ops.api<{ status: string }>('POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.status, 'acknowledged');

    // Renewed: the valid certificate is served again and the incident resolves by itself.
    sandbox.setFaults([]);
    await until('auto-resolve', async () =>
      (await incidentStatus(ops.api, incident.id)) === 'resolved' ? true : undefined,
    );

    // The report has the times of this cycle against the SEV3 clocks.
    const report = await ops.api<{ markdown: string }>('GET', `/api/v1/incidents/${incident.id}/report`);
    assert.equal(report.status, 200);
    assert.match(report.body.markdown, /\| Acknowledgement \| [^|(]+Z \| \d+s \| 30s \| met \|/);
    assert.match(report.body.markdown, /\| Resolution \| [^|]+Z \| \d+s \| 1m \| met \|/);

    // An expired certificate soon after: the same detector fires (a flap re-opens the same incident).
    sandbox.setFaults(['cert-expired']);
    await until('re-opened', async () =>
      (await incidentStatus(ops.api, incident.id)) === 'triggered' ? true : undefined,
    );
    const again = await incidentTimeline<Entry>(ops.api, incident.id);
    const reopened = again.find((e) => e.type === 'reopened');
    // The sandbox's expired certificate ran out a day ago (tls.daysLeft -2, rounded down).
    assert.equal(
      reopened?.message,
      'flapped: the certificate expired 1 day(s) ago',
      JSON.stringify(reopened),
    );
    // The re-open keeps the signal's details, as a trigger does: days left, when the problem was first seen.
    const reopenedDetails = reopened?.data.details as { daysLeft?: number; firstSeenAt?: number } | undefined;
    assert.ok((reopenedDetails?.daysLeft ?? 0) < 0, JSON.stringify(reopened?.data));
    assert.equal(typeof reopenedDetails?.firstSeenAt, 'number');
    sandbox.setFaults([]);
    await until('resolved again', async () =>
      (await incidentStatus(ops.api, incident.id)) === 'resolved' ? true : undefined,
    );

    await new Promise((r) => setTimeout(r, 300));
    assertNoDeliveryTwice(arrivals);
    assert.equal(arrivals.filter((a) => a.path === '/manager').length, 0, 'acknowledged before level 2');
    const list = await ops.api<{ items: Item[] }>('GET', '/api/v1/incidents');
    assert.equal(list.body.items.length, 1, 'one incident for the certificate');
  });
});
