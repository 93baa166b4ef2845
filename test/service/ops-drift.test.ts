// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Issue 6's acceptance walk for schema drift, with scaled-down timers, on the demo sandbox: a monitor
// reusing a stage's contract check → the sandbox's `schema-drift` fault → a schema-drift incident naming
// the operation, the pointer and when it was first seen → level 1 gets a signed webhook → nobody
// acknowledges → level 2 at its deadline → the service restarts before level 3's deadline, which still
// fires exactly once → acknowledged → escalation stops → fault cleared → auto-resolved → the report has
// the times.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { DEMO_CLIENT_SECRET, type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import type { Receiver } from '../notify/receiver.js';
import {
  type Arrival,
  assertNoDeliveryTwice,
  escalationsTo,
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

const HOOK_KEY = 'whsec-test-7d2e01';
const KEY = Buffer.alloc(32, 7).toString('base64');
const SPEC = new URL('../../examples/payments/openapi.yaml', import.meta.url);

// One operation, one example-based case, no auth probes: a sample is three requests (token cached), so a
// 250 ms monitor stays far below the sandbox's rate limit and each drift is one incident.
const PLAYBOOK = `playbook: payments-drift
version: 1.0.0
api: { spec: ./openapi.yaml }
environments:
  live:
    baseUrl: "\${secret.LIVE_URL}"
    auth:
      type: oauth2-client-credentials
      tokenUrl: /oauth/token
      clientId: demo-client
      clientSecret: "\${secret.client_secret}"
stages:
  - id: sandbox
    environment: live
    checks:
      - id: contract
        contract: { operations: [createPayment], maxCasesPerOperation: 1, authProbes: false }
monitors:
  - { id: payments-contract, use: sandbox/contract, environment: live, every: 250ms, jitter: 0ms, timeout: 5s }
detectors:
  - { kind: schema-drift, severity: SEV2, recoverAfter: 2 }
severities:
  SEV2: { acknowledge: 20s, resolve: 60s }
escalation:
  SEV2:
    levels:
      - { notify: [level1] }
      - { notify: [level2], after: 3s }
      - { notify: [level3], after: 8s }
      - { notify: [level4], after: 30s }
notifiers:
  level1: { type: webhook, url: "\${secret.HOOK_URL}/l1", secret: "\${secret.hook_key}" }
  level2: { type: webhook, url: "\${secret.HOOK_URL}/l2", secret: "\${secret.hook_key}" }
  level3: { type: webhook, url: "\${secret.HOOK_URL}/l3", secret: "\${secret.hook_key}" }
  level4: { type: webhook, url: "\${secret.HOOK_URL}/l4", secret: "\${secret.hook_key}" }
`;

type Pointer = { pointer: string; code: string; firstSeen: number };
type Entry = {
  type: string;
  data: {
    details?: {
      operation: string;
      code: string;
      firstSeen: number;
      firstSeenAt: number;
      pointers: Pointer[];
    };
  };
};

describe('operations: schema drift → incident → escalation survives a restart → ack → auto-resolve', () => {
  let sandbox: Sandbox;
  let hooks: Receiver;
  let ops: OpsService;
  let onboardingId: string;
  const arrivals: Arrival[] = [];
  const samples = () => monitorSamples<{ outcome: string }>(ops.api, onboardingId, 'payments-contract');

  before(async () => {
    sandbox = await startSandbox();
    hooks = await startArrivalsReceiver(arrivals);
    ops = await startOpsService({
      secretKey: KEY,
      dataDirPrefix: 'gangway-ops-drift-',
      publicUrl: 'https://gangway.example',
    });
    ({ onboardingId } = await onboardAcme(
      ops.api,
      { playbookText: PLAYBOOK, specText: await readFile(SPEC, 'utf8') },
      { LIVE_URL: sandbox.url, client_secret: DEMO_CLIENT_SECRET, HOOK_URL: hooks.url, hook_key: HOOK_KEY },
    ));
  });

  after(async () => {
    await ops?.close();
    await sandbox?.close();
    await hooks?.close();
  });

  test('the whole walk', { timeout: 120_000 }, async () => {
    // Healthy first: contract samples pass, no incident.
    await until('two passing contract samples', async () => {
      const list = await samples();
      return list.filter((s) => s.outcome === 'passed').length >= 2 ? true : undefined;
    });
    assert.equal((await ops.api<{ items: unknown[] }>('GET', '/api/v1/incidents')).body.items.length, 0);

    sandbox.setFaults(['schema-drift']);
    const driftSince = Date.now();
    type Item = { id: string; status: string; openedAt: string; detectorKind: string };
    const incident = await until('the incident', () => firstOpenIncident<Item>(ops.api));
    assert.equal(incident.detectorKind, 'schema-drift');
    const openedAt = Date.parse(incident.openedAt);
    assert.ok(openedAt - driftSince < 5_000, `opened ${openedAt - driftSince} ms after the drift began`);
    // The incident names the operation and the pointers; the trigger's details say when each was first seen.
    const full = await ops.api<{ summary: string; title: string }>('GET', `/api/v1/incidents/${incident.id}`);
    assert.match(full.body.title, /Schema drift in createPayment/);
    assert.match(full.body.summary, /responses of createPayment stopped matching the contract at .*\/amount/);
    const timeline = await incidentTimeline<Entry>(ops.api, incident.id);
    const details = timeline.find((e) => e.type === 'triggered')?.data.details;
    assert.equal(details?.operation, 'createPayment');
    assert.equal(details?.code, 'response.body.schema');
    const amount = details?.pointers.find((p) => p.pointer === '/amount');
    assert.ok(amount, JSON.stringify(details));
    assert.ok(
      amount.firstSeen >= driftSince && amount.firstSeen <= openedAt,
      `first seen ${amount.firstSeen - driftSince} ms after the switch`,
    );
    assert.equal(details?.firstSeen, amount.firstSeen, 'every pointer of the first drifting sample');
    assert.equal(
      details?.firstSeenAt,
      amount.firstSeen,
      'the problem started with the first drifting sample',
    );

    // Level 1: a correctly signed webhook.
    const l1 = await until('level 1', () => arrivals.find((a) => a.path === '/l1'));
    assert.ok(verifyWebhookSignature(HOOK_KEY, l1.signature, l1.body, Date.now()), 'signature verifies');
    const payload = JSON.parse(l1.body) as { event: string; incident: { summary: string } };
    assert.equal(payload.event, 'triggered');
    assert.match(payload.incident.summary, /createPayment .*\/amount/);

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
    const ack = await ops.api<{ status: string }>('POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.status, 'acknowledged');

    // Clear the fault: recovery resolves it by itself.
    sandbox.setFaults([]);
    await until('auto-resolve', async () =>
      (await incidentStatus(ops.api, incident.id)) === 'resolved' ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    assertNoDeliveryTwice(arrivals);
    assert.equal(escalationsTo(arrivals, '/l2'), 1, 'level 2 exactly once');
    assert.equal(escalationsTo(arrivals, '/l3'), 1, 'level 3 exactly once across the restart');
    assert.equal(escalationsTo(arrivals, '/l4'), 0, 'no escalation after the acknowledgement');

    const report = await ops.api<{ markdown: string }>('GET', `/api/v1/incidents/${incident.id}/report`);
    assert.equal(report.status, 200);
    // Detection is measured from the first drifting sample (the detector's firstSeenAt) to the trigger.
    assert.match(report.body.markdown, /\| Detection \| [^|(]+Z \| \d+(\.\d+)?s \| [^|]+ \| met \|/);
    assert.match(report.body.markdown, /\| Acknowledgement \| [^|(]+Z \| \d+s \| 20s \| met \|/);
    assert.match(report.body.markdown, /\| Resolution \| [^|]+Z \| \d+s \| 1m \| met \|/);
    assert.match(report.body.markdown, /escalated \| gangway \| Not acknowledged: level 3/);
  });
});
