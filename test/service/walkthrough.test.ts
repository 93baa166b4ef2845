// A partner taken through readiness and sandbox on a real service: push, onboard, run (executed by the
// embedded worker against a real API on 127.0.0.1), live events, gates, sign-offs, waivers, transitions, audit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { NOTES_TOKEN, notesPlaybook, startTestService, type TestService, waitForRun } from './support.js';

interface Gate {
  verdict: string;
  reasons: string[];
  run: { id: string; evidenceHash: string } | null;
  next: string | null;
}

describe('service walk-through (SQLite, embedded worker)', () => {
  let service: TestService;
  let notes: ApiServer;
  let versionId: string;
  let onboardingId: string;
  let partnerToken: string;

  before(async () => {
    service = await startTestService();
    const { api, playbookText, specText } = await notesPlaybook();
    notes = api;
    const pushed = await service.api<{ created: boolean; version: { id: string; stages: unknown[] } }>(
      service.admin,
      'POST',
      '/api/v1/playbooks',
      { playbookText, specText },
    );
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    assert.equal(pushed.body.created, true);
    versionId = pushed.body.version.id;
    const again = await service.api<{ created: boolean }>(service.admin, 'POST', '/api/v1/playbooks', {
      playbookText,
      specText,
    });
    assert.equal(again.body.created, false, 'the same texts are the same version');

    assert.equal(
      (await service.api(service.admin, 'POST', '/api/v1/partners', { id: 'acme', name: 'Acme' })).status,
      201,
    );
    for (const [name, value] of [
      ['NOTES_URL', notes.url],
      ['notes_token', NOTES_TOKEN],
    ] as const) {
      const put = await service.api(service.admin, 'PUT', `/api/v1/secrets/global/${name}`, { value });
      assert.equal(put.status, 204, JSON.stringify(put.body));
    }
    const started = await service.api<{ id: string; currentStage: string }>(
      service.admin,
      'POST',
      '/api/v1/onboardings',
      {
        partnerId: 'acme',
        playbookVersionId: versionId,
      },
    );
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.currentStage, 'readiness');
    onboardingId = started.body.id;
    partnerToken = await service.token('partner', 'acme');
  });

  after(async () => {
    await service?.close();
    await notes?.close();
  });

  const gate = async (stage: string) =>
    (await service.api<Gate>(service.admin, 'GET', `/api/v1/onboardings/${onboardingId}/gates/${stage}`))
      .body;

  test('readiness: blocked without a run, run by the worker with live events, then open after sign-off', async () => {
    const before = await gate('readiness');
    assert.equal(before.verdict, 'blocked');
    assert.match(before.reasons.join('\n'), /no finished run/);

    const queued = await service.api<{ id: string; status: string }>(partnerToken, 'POST', '/api/v1/runs', {
      onboardingId,
    });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const events = await fetch(`${service.url}/api/v1/runs/${queued.body.id}/events`, {
      headers: { authorization: `Bearer ${partnerToken}` },
    });
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const stream = await events.text();
    assert.doesNotMatch(stream, /gangway-playbooks/, 'no server paths in events');
    const types = [...stream.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(
      types.filter((t) => t !== 'check.progress'),
      ['run.started', 'check.started', 'check.finished', 'gate.evaluated', 'run.finished', 'end'],
    );
    const run = await waitForRun(service, service.admin, queued.body.id);
    assert.equal(run.status, 'passed');

    const waiting = await gate('readiness');
    assert.equal(waiting.verdict, 'blocked');
    assert.deepEqual(waiting.reasons, ['waiting for sign-off by partnerships']);

    const refused = await service.api(
      service.admin,
      'POST',
      `/api/v1/onboardings/${onboardingId}/transitions`,
      {
        why: 'too early',
      },
    );
    assert.equal(refused.status, 409);

    const partnerSigns = await service.api(partnerToken, 'POST', '/api/v1/signoffs', {
      onboardingId,
      stage: 'readiness',
      role: 'partnerships',
    });
    assert.equal(partnerSigns.status, 403, 'a partner cannot sign an owner role');
    const signed = await service.api<{ evidenceHash: string }>(service.admin, 'POST', '/api/v1/signoffs', {
      onboardingId,
      stage: 'readiness',
      role: 'partnerships',
      evidenceHash: run.evidenceHash,
    });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const open = await gate('readiness');
    assert.equal(open.verdict, 'open', open.reasons.join('; '));

    const moved = await service.api<{ to: string }>(
      service.admin,
      'POST',
      `/api/v1/onboardings/${onboardingId}/transitions`,
      {
        why: 'readiness proven',
        to: 'sandbox',
      },
    );
    assert.equal(moved.status, 201, JSON.stringify(moved.body));
    assert.equal(moved.body.to, 'sandbox');
  });

  test('sandbox: a failing required check blocks until a waiver covers it; an expired waiver blocks again', async () => {
    notes.close(); // the API goes away: every check of the run fails
    const queued = await service.api<{ id: string }>(partnerToken, 'POST', '/api/v1/runs', { onboardingId });
    const run = await waitForRun(service, partnerToken, queued.body.id);
    assert.equal(run.status, 'failed');
    const blocked = await gate('sandbox');
    assert.equal(blocked.verdict, 'blocked');
    assert.match(blocked.reasons.join('\n'), /required check contract/);

    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    for (const checkId of ['contract', 'lifecycle']) {
      const waiver = await service.api(service.admin, 'POST', '/api/v1/waivers', {
        onboardingId,
        stage: 'sandbox',
        checkId,
        reason: 'sandbox maintenance window, tracked in OPS-123',
        expiresAt,
      });
      assert.equal(waiver.status, 201, JSON.stringify(waiver.body));
    }
    const partnerSigned = await service.api(partnerToken, 'POST', '/api/v1/signoffs', {
      onboardingId,
      stage: 'sandbox',
      role: 'partner',
    });
    assert.equal(partnerSigned.status, 201, JSON.stringify(partnerSigned.body));
    const waived = await gate('sandbox');
    assert.equal(waived.verdict, 'open', waived.reasons.join('; '));

    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
    const expired = await gate('sandbox');
    assert.equal(expired.verdict, 'blocked');
  });

  test('a partner may not run the production stage', async () => {
    const refused = await service.api(partnerToken, 'POST', '/api/v1/runs', {
      onboardingId,
      stage: 'production',
    });
    assert.equal(refused.status, 403);
  });

  test('the audit chain verifies and holds every decision', async () => {
    const verified = await service.api<{ ok: boolean; events: number }>(
      service.admin,
      'GET',
      '/api/v1/audit/verification',
    );
    assert.equal(verified.body.ok, true);
    const events = await service.api<{ items: { action: string }[] }>(
      service.admin,
      'GET',
      '/api/v1/audit?limit=500',
    );
    const actions = new Set(events.body.items.map((e) => e.action));
    const first = await service.api<{ items: { seq: number }[]; nextCursor: string }>(
      service.admin,
      'GET',
      '/api/v1/audit?limit=2',
    );
    const next = await service.api<{ items: { seq: number }[] }>(
      service.admin,
      'GET',
      `/api/v1/audit?limit=2&cursor=${first.body.nextCursor}`,
    );
    assert.deepEqual(
      [...first.body.items, ...next.body.items].map((e) => e.seq),
      [1, 2, 3, 4],
      'nextCursor pages on',
    );
    for (const action of [
      'playbook.version.created',
      'onboarding.started',
      'signoff.created',
      'waiver.created',
    ]) {
      assert.ok(
        [...actions].some((a) => a.startsWith(action.split('.')[0] ?? '')),
        `${action} in ${[...actions].join(', ')}`,
      );
    }
  });

  test('moving to a new playbook version: earlier evidence no longer counts', async () => {
    const { api, playbookText, specText } = await notesPlaybook();
    await api.close(); // only its texts are needed
    const v2 = await service.api<{ version: { id: string } }>(service.admin, 'POST', '/api/v1/playbooks', {
      playbookText: playbookText.replace('version: 1.0.0', 'version: 1.1.0'),
      specText,
    });
    const upgraded = await service.api<{ playbookVersionId: string; currentStage: string }>(
      service.admin,
      'POST',
      `/api/v1/onboardings/${onboardingId}/upgrades`,
      { playbookVersionId: v2.body.version.id, why: 'playbook 1.1.0' },
    );
    assert.equal(upgraded.status, 201, JSON.stringify(upgraded.body));
    assert.deepEqual(
      [upgraded.body.playbookVersionId, upgraded.body.currentStage],
      [v2.body.version.id, 'sandbox'],
    );
    // The upgrade is a change marker for this partner, which incidents are correlated with.
    const changes = await service.api<{
      items: { kind: string; ref: string; partnerId: string; title: string }[];
    }>(service.admin, 'GET', '/api/v1/changes');
    const marker = changes.body.items.find((c) => c.ref === v2.body.version.id);
    assert.equal(marker?.kind, 'playbook', JSON.stringify(changes.body));
    assert.match(marker?.title ?? '', /1\.1\.0/);
    assert.ok(marker?.partnerId, 'recorded for the onboarding’s partner');
    const readiness = await gate('readiness');
    assert.equal(readiness.verdict, 'blocked', 'the readiness run was on the old version');
    assert.match(readiness.reasons.join('\n'), /no finished run/);
    const partnerTries = await service.api(
      partnerToken,
      'POST',
      `/api/v1/onboardings/${onboardingId}/upgrades`,
      {
        playbookVersionId: versionId,
        why: 'back',
      },
    );
    assert.equal(partnerTries.status, 403);
  });
});
