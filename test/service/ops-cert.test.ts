// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Issue 6's acceptance walk for an expiring certificate, on the demo sandbox's HTTPS listener: a `tls`
// monitor reusing a stage's check → the sandbox's `cert-expiring` fault (a certificate TLS still accepts,
// 3 days left) → a certificate-expiring incident with the days left → level 1 gets a signed webhook →
// acknowledged → fault cleared → resolved. Then `cert-expired` re-opens the same incident (a flap), and
// clearing it resolves it again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXPIRING_DAYS_LEFT } from '../../src/demo/certs.js';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import { startServer } from '../../src/service/runtime.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

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

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let admin: string;
  let onboardingId: string;
  const arrivals: { path: string; at: number; body: string; signature: string; key: string }[] = [];

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const samplesSince = async (since: number) =>
    (
      await api<{ items: Sample[] }>('GET', `/api/v1/onboardings/${onboardingId}/samples?monitorId=api-tls`)
    ).body.items.filter((s) => s.at >= since);
  const incidentStatus = async (id: string) =>
    (await api<{ status: string }>('GET', `/api/v1/incidents/${id}`)).body.status;

  before(async () => {
    sandbox = await startSandbox({ https: true });
    hooks = await startReceiver((req) => {
      arrivals.push({
        path: req.url,
        at: Date.now(),
        body: req.body,
        signature: String(req.headers['gangway-signature'] ?? ''),
        key: String(req.headers['gangway-delivery'] ?? ''),
      });
      return { status: 200, body: {} };
    });
    dataDir = await mkdtemp(join(tmpdir(), 'gangway-ops-cert-'));
    server = await startServer({
      dataDir,
      port: 0,
      allowPrivateTargets: ['127.0.0.0/8'],
      config: { version: 'test', publicUrl: 'https://gangway.example' },
      env: { GANGWAY_SECRET_KEY: KEY },
    });
    admin = (await server.runtime.store.tokens.create({ role: 'admin', name: 'admin', actor: 'test' })).token;
    const pushed = await api<{ version: { id: string } }>('POST', '/api/v1/playbooks', {
      playbookText: PLAYBOOK,
    });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    assert.equal((await api('POST', '/api/v1/partners', { id: 'acme', name: 'Acme' })).status, 201);
    for (const [name, value] of [
      ['LIVE_URL', sandbox.httpsUrl!],
      ['sandbox_ca', sandbox.ca!],
      ['HOOK_URL', hooks.url],
      ['hook_key', HOOK_KEY],
    ]) {
      assert.equal((await api('PUT', `/api/v1/secrets/acme/${name}`, { value })).status, 204);
    }
    const onboarding = await api<{ id: string }>('POST', '/api/v1/onboardings', {
      partnerId: 'acme',
      playbookVersionId: pushed.body.version.id,
    });
    assert.equal(onboarding.status, 201, JSON.stringify(onboarding.body));
    onboardingId = onboarding.body.id;
    const on = await api<{ enabled: boolean }>('PUT', `/api/v1/onboardings/${onboardingId}/monitoring`, {
      enabled: true,
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
  });

  after(async () => {
    await server?.close();
    await sandbox?.close();
    await hooks?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the whole walk', { timeout: 120_000 }, async () => {
    // Healthy first: the tls check passes with the 90-day certificate, no incident.
    const healthy = await until('two passing tls samples', async () => {
      const all = await samplesSince(0);
      const passed = all.filter((s) => s.outcome === 'passed');
      return passed.length >= 2 ? passed : undefined;
    });
    assert.ok((healthy[0]?.measurements['tls.daysLeft'] ?? 0) > 80);
    assert.equal((await api<{ items: unknown[] }>('GET', '/api/v1/incidents')).body.items.length, 0);

    sandbox.setFaults(['cert-expiring']);
    const since = Date.now();
    const incident = await until('the incident', async () => {
      const list = await api<{ items: Item[] }>('GET', '/api/v1/incidents?status=open');
      return list.body.items[0];
    });
    assert.equal(incident.detectorKind, 'certificate-expiring');
    const openedAt = Date.parse(incident.openedAt);
    assert.ok(openedAt - since < 5_000, `opened ${openedAt - since} ms after the switch`);
    assert.match(incident.summary, new RegExp(`expires in ${EXPIRING_DAYS_LEFT} day\\(s\\)`));
    const timeline = await api<{ items: Entry[] }>('GET', `/api/v1/incidents/${incident.id}/timeline`);
    const triggered = timeline.body.items.find((e) => e.type === 'triggered');
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

    const ack = await api<{ status: string }>('POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.status, 'acknowledged');

    // Renewed: the valid certificate is served again and the incident resolves by itself.
    sandbox.setFaults([]);
    await until('auto-resolve', async () =>
      (await incidentStatus(incident.id)) === 'resolved' ? true : undefined,
    );

    // The report has the times of this cycle against the SEV3 clocks.
    const report = await api<{ markdown: string }>('GET', `/api/v1/incidents/${incident.id}/report`);
    assert.equal(report.status, 200);
    assert.match(report.body.markdown, /\| Acknowledgement \| [^|(]+Z \| \d+s \| 30s \| met \|/);
    assert.match(report.body.markdown, /\| Resolution \| [^|]+Z \| \d+s \| 1m \| met \|/);

    // An expired certificate soon after: the same detector fires (a flap re-opens the same incident).
    sandbox.setFaults(['cert-expired']);
    await until('re-opened', async () =>
      (await incidentStatus(incident.id)) === 'triggered' ? true : undefined,
    );
    const again = await api<{ items: Entry[] }>('GET', `/api/v1/incidents/${incident.id}/timeline`);
    const reopened = again.body.items.find((e) => e.type === 'reopened');
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
      (await incidentStatus(incident.id)) === 'resolved' ? true : undefined,
    );

    await new Promise((r) => setTimeout(r, 300));
    const keys = arrivals.map((a) => a.key);
    assert.equal(new Set(keys).size, keys.length, `no delivery twice: ${keys.join(', ')}`);
    assert.equal(arrivals.filter((a) => a.path === '/manager').length, 0, 'acknowledged before level 2');
    const list = await api<{ items: Item[] }>('GET', '/api/v1/incidents');
    assert.equal(list.body.items.length, 1, 'one incident for the certificate');
  });
});
