// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// Automated actions end to end, on the demo sandbox: latency injected → a latency-spike incident opens →
// the detector's throttle webhook gets a signed payload → the fault clears, comes back, the incident
// re-opens (a second trigger) and the throttle is skipped by its cool-down → a manual rollback waits for
// approval, runs after approve (retried once after a 503) → a rerun executes a monitor now → a rejected run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/demo/sandbox.js';
import { verifyWebhookSignature } from '../../src/notify/index.js';
import { type Captured, type Receiver, startReceiver } from '../notify/receiver.js';
import {
  firstOpenIncident,
  incidentStatus,
  incidentTimeline,
  monitorSamples,
  type OpsService,
  onboardAcme,
  startOpsService,
  until as waitUntil,
} from './ops-support.js';

const HOOK_KEY = 'whsec-actions-7d2e81';
const KEY = Buffer.alloc(32, 7).toString('base64');

const PLAYBOOK = `playbook: payments-actions
version: 1.0.0
environments:
  live: { baseUrl: "\${secret.LIVE_URL}" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
  - { id: api-health, check: { health: { path: /health, samples: 1 } }, environment: live, every: 250ms, jitter: 0ms, timeout: 5s }
  - { id: hourly, check: { health: { path: /health, samples: 1 } }, environment: live, every: 1h, jitter: 0ms, timeout: 5s }
detectors:
  - id: slow
    kind: latency-spike
    monitors: [api-health]
    severity: SEV2
    threshold: 1s
    window: 4s
    minSamples: 2
    recoverAfter: 2
    actions: [throttle]
severities:
  SEV2: { acknowledge: 10m, resolve: 1h }
actions:
  throttle: { type: webhook, purpose: throttle, url: "\${secret.HOOK_URL}/throttle", secret: "\${secret.hook_key}", cooldown: 10m, maxPerHour: 3 }
  rollback: { type: webhook, purpose: rollback, url: "\${secret.HOOK_URL}/rollback", secret: "\${secret.hook_key}", cooldown: 0s, approval: manual }
  calm: { type: webhook, purpose: throttle, url: "\${secret.HOOK_URL}/calm", secret: "\${secret.hook_key}", cooldown: 10m }
  again: { type: rerun, monitors: [hourly] }
  ticket: { type: ticket, notifier: issues }
notifiers:
  issues: { type: github, repo: acme/ops, token: "\${secret.gh_token}", apiUrl: "\${secret.HOOK_URL}/gh" }
`;
const GH_TOKEN = 'ghp-test-token-5b9e';

interface Run {
  id: string;
  actionId: string;
  status: string;
  detail: Record<string, unknown>;
}
interface Event {
  type: string;
  actor: string;
  message: string;
  data: Record<string, unknown>;
}

// Every wait of this walk is allowed 30 s (the other walks' default is 20 s).
const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) =>
  waitUntil(what, probe, 30_000);

describe('operations: automated actions — signed webhook, cool-down, approval, rerun', () => {
  let sandbox: Sandbox;
  let hooks: Receiver;
  let ops: OpsService;
  let onboardingId: string;
  let rollbackCalls = 0;

  // Paths below /api/v1.
  const api = <T>(method: string, path: string, body?: unknown) => ops.api<T>(method, `/api/v1${path}`, body);
  const runs = async (incidentId: string) =>
    (await api<{ items: Run[] }>('GET', `/incidents/${incidentId}/actions`)).body.items;
  const timeline = (incidentId: string) => incidentTimeline<Event>(ops.api, incidentId);
  const arrivals = (path: string): Captured[] => hooks.requests.filter((r) => r.url === path);
  const samples = (monitorId: string) => monitorSamples<{ at: string }>(ops.api, onboardingId, monitorId, 50);

  before(async () => {
    sandbox = await startSandbox();
    hooks = await startReceiver((req) => {
      // The rollback receiver is down for its first call: the run is retried, not failed.
      if (req.url === '/rollback' && ++rollbackCalls === 1) return { status: 503, body: { error: 'busy' } };
      // A GitHub Issues API: no issue yet, and a created one is #7.
      if (req.method === 'GET' && req.url.startsWith('/gh/repos/acme/ops/issues'))
        return { status: 200, body: [] };
      if (req.method === 'POST' && req.url === '/gh/repos/acme/ops/issues')
        return { status: 201, body: { number: 7, html_url: 'https://github.example/acme/ops/issues/7' } };
      return { status: 200, body: {} };
    });
    ops = await startOpsService({ secretKey: KEY, dataDirPrefix: 'gangway-actions-', adminName: 'alice' });
    ({ onboardingId } = await onboardAcme(
      ops.api,
      { playbookText: PLAYBOOK },
      { LIVE_URL: sandbox.url, HOOK_URL: hooks.url, hook_key: HOOK_KEY, gh_token: GH_TOKEN },
    ));
  });

  after(async () => {
    await ops?.close();
    await sandbox?.close();
    await hooks?.close();
  });

  test('the whole walk', { timeout: 150_000 }, async () => {
    await until('the first samples', async () => ((await samples('hourly')).length > 0 ? true : undefined));

    // 1. Latency → incident → the detector's throttle webhook, signed.
    sandbox.setFaults(['slow']);
    const incident = await until('the incident', () =>
      firstOpenIncident<{ id: string; dedupKey: string }>(ops.api),
    );
    const throttle = await until('the throttle webhook', () => arrivals('/throttle')[0]);
    const signature = String(throttle.headers['gangway-signature'] ?? '');
    assert.ok(verifyWebhookSignature(HOOK_KEY, signature, throttle.body, Date.now()), 'signature verifies');
    assert.ok(!verifyWebhookSignature('another-key', signature, throttle.body, Date.now()));
    const body = throttle.json as Record<string, unknown> & { incident: Record<string, unknown> };
    assert.equal(body.type, 'gangway.action');
    assert.equal(body.action, 'throttle');
    assert.equal(body.purpose, 'throttle');
    assert.equal(body.requestedBy, 'detector:slow');
    assert.equal(body.incident.id, incident.id);
    assert.equal(body.incident.severity, 'SEV2');
    assert.equal(body.incident.dedupKey, incident.dedupKey);
    assert.equal(body.incident.title !== undefined, true);
    assert.equal(body.drill, undefined, 'not a drill');
    assert.ok(!throttle.body.includes(HOOK_KEY), 'the key is never in the payload');
    const first = await until('the throttle run succeeded', async () =>
      (await runs(incident.id)).find((r) => r.actionId === 'throttle' && r.status === 'succeeded'),
    );
    assert.equal(first.detail.httpStatus, 200);
    assert.equal(first.detail.requestedBy, 'detector:slow');
    assert.equal(JSON.stringify(first.detail).includes(hooks.url), false, 'the resolved URL is not stored');
    const detail = await api<{ firstAttemptAt: string | null }>('GET', `/incidents/${incident.id}`);
    assert.ok(detail.body.firstAttemptAt, 'the throttle met the first-resolution-attempt clock');

    // 2. Recovery, then a second trigger within the cool-down: the flap re-opens the incident, the throttle is skipped.
    sandbox.setFaults([]);
    await until('auto-resolve', async () =>
      (await incidentStatus(ops.api, incident.id)) === 'resolved' ? true : undefined,
    );
    sandbox.setFaults(['slow']);
    const skipped = await until('the skipped throttle', async () =>
      (await runs(incident.id)).find((r) => r.actionId === 'throttle' && r.status === 'suppressed'),
    );
    assert.match(String(skipped.detail.reason), /^cool-down: /);
    assert.equal(skipped.detail.guard, 'cooldown');
    const events = await timeline(incident.id);
    assert.ok(
      events.some((e) => e.type === 'reopened'),
      'the second trigger re-opened the incident',
    );
    assert.ok(
      events.some(
        (e) => e.type === 'action' && e.data.runId === skipped.id && /skipped: cool-down/.test(e.message),
      ),
      `the skip is on the timeline: ${events.map((e) => `${e.type}: ${e.message}`).join(' | ')}`,
    );
    assert.equal(arrivals('/throttle').length, 1, 'the throttle webhook was called once');
    sandbox.setFaults([]);

    // 3. A manual action waits for approval, then runs (retried once: the receiver answers 503 first).
    const asked = await api<Run>('POST', `/incidents/${incident.id}/actions`, { action: 'rollback' });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'pending-approval');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(arrivals('/rollback').length, 0, 'nothing runs before the approval');
    const approved = await api<Run>('POST', `/incidents/${incident.id}/actions/${asked.body.id}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'running');
    assert.match(String(approved.body.detail.approvedBy), /^alice/);
    const rolledBack = await until('the rollback succeeded', async () =>
      (await runs(incident.id)).find((r) => r.id === asked.body.id && r.status === 'succeeded'),
    );
    assert.equal(rolledBack.detail.httpStatus, 200);
    const calls = arrivals('/rollback');
    assert.equal(calls.length, 2, 'a 503, then the retry');
    assert.equal(calls[0]?.headers['gangway-delivery'], calls[1]?.headers['gangway-delivery'], 'one key');
    assert.ok(
      verifyWebhookSignature(
        HOOK_KEY,
        String(calls[1]?.headers['gangway-signature']),
        calls[1]?.body ?? '',
        Date.now(),
      ),
    );
    const again = await api(`POST`, `/incidents/${incident.id}/actions/${asked.body.id}/approve`, {});
    assert.equal(again.status, 409, 'approved once');

    // 4. A rerun executes the hourly monitor now: a new sample.
    const before = (await samples('hourly')).length;
    const rerun = await api<Run>('POST', `/incidents/${incident.id}/actions`, { action: 'again' });
    assert.equal(rerun.status, 202, JSON.stringify(rerun.body));
    assert.equal(rerun.body.status, 'running');
    await until('a new hourly sample', async () =>
      (await samples('hourly')).length > before ? true : undefined,
    );
    await until('the rerun succeeded', async () =>
      (await runs(incident.id)).find((r) => r.id === rerun.body.id && r.status === 'succeeded'),
    );

    // 4b. Three requests at once for an action with a cool-down: one runs, two are skipped by it. (On
    // SQLite one process serves them one after another; the store's `guarded` case holds the race itself
    // on PostgreSQL, where requests interleave.)
    const calls3 = await Promise.all(
      [1, 2, 3].map(() => api<Run>('POST', `/incidents/${incident.id}/actions`, { action: 'calm' })),
    );
    assert.deepEqual(
      calls3.map((c) => c.body.status).sort(),
      ['running', 'suppressed', 'suppressed'],
      JSON.stringify(calls3.map((c) => c.body)),
    );
    assert.ok(calls3.every((c) => c.body.status === 'running' || c.body.detail.guard === 'cooldown'));
    await until('the calm run succeeded', async () =>
      (await runs(incident.id)).find((r) => r.actionId === 'calm' && r.status === 'succeeded'),
    );
    assert.equal(arrivals('/calm').length, 1, 'the calm webhook was called once');

    // 5. A ticket through the github notifier; its ref is kept for the notifier's later deliveries.
    const ticket = await api<Run>('POST', `/incidents/${incident.id}/actions`, { action: 'ticket' });
    assert.equal(ticket.status, 202, JSON.stringify(ticket.body));
    const opened = await until('the ticket', async () =>
      (await runs(incident.id)).find((r) => r.id === ticket.body.id && r.status === 'succeeded'),
    );
    assert.match(String(opened.detail.result), /issue #7 opened/);
    const created = hooks.requests.find((r) => r.method === 'POST' && r.url === '/gh/repos/acme/ops/issues');
    assert.equal(created?.headers.authorization, `Bearer ${GH_TOKEN}`);
    const deliveries = await api<{ items: { key: string; status: string }[] }>(
      'GET',
      `/incidents/${incident.id}/deliveries`,
    );
    assert.deepEqual(
      deliveries.body.items.filter((d) => d.key === `action:${ticket.body.id}`).map((d) => d.status),
      ['delivered'],
    );
    assert.deepEqual(await ops.server.runtime.store.deliveries.lastRef(incident.id, 'issues'), {
      issue: 7,
      url: 'https://github.example/acme/ops/issues/7',
    });

    // 6. A rejected run: suppressed, with who rejected it; an unknown action is a 404.
    const second = await api<Run>('POST', `/incidents/${incident.id}/actions`, { action: 'rollback' });
    assert.equal(second.body.status, 'pending-approval');
    const rejected = await api<Run>('POST', `/incidents/${incident.id}/actions/${second.body.id}/reject`, {
      reason: 'not during the sale',
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.status, 'suppressed');
    assert.match(String(rejected.body.detail.reason), /^rejected by alice.*: not during the sale$/);
    const unknown = await api<{ error: { code: string } }>('POST', `/incidents/${incident.id}/actions`, {
      action: 'nope',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'action.not-found');

    const steps = (await timeline(incident.id)).filter((e) => e.type === 'action').map((e) => e.message);
    for (const pattern of [
      /throttle \(webhook: throttle\) requested by detector:slow/,
      /throttle \(webhook: throttle\) succeeded: .*answered 200/,
      /rollback .* awaits approval/,
      /rollback .* approved by alice/,
      /rollback .* succeeded/,
      /again \(rerun\) succeeded: queued hourly/,
      /rollback rejected by alice/,
      /ticket \(ticket via issues\) succeeded: .*issue #7 opened/,
    ])
      assert.ok(
        steps.some((m) => pattern.test(m)),
        `timeline has ${pattern}: ${steps.join(' | ')}`,
      );
    const all = JSON.stringify(await timeline(incident.id));
    assert.equal(all.includes(HOOK_KEY) || all.includes(GH_TOKEN), false, 'no secret on the timeline');
  });
});
