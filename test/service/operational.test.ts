// Probes and metrics: /healthz and /readyz without a token, /metrics in Prometheus text for staff tokens,
// /api/v1/metrics scoped for partners; time to first success counted from an uploaded passing sandbox run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { notesPlaybook, startTestService, type TestService } from './support.js';

const passingReport = {
  formatVersion: 1,
  run: { stage: { id: 'readiness' }, environment: { name: 'sandbox' } },
  outcome: 'passed',
  checks: [
    {
      id: 'lifecycle',
      kind: 'flow',
      title: 'lifecycle',
      required: true,
      outcome: 'passed',
      summary: '2 steps passed',
      startedAt: new Date().toISOString(),
      durationMs: 12,
      findings: [],
      measurements: {},
      thresholds: [],
      samples: [],
      exchanges: [],
    },
  ],
};

describe('probes and metrics', () => {
  let service: TestService;
  let notes: ApiServer;
  let partner: string;

  before(async () => {
    service = await startTestService();
    const { api, playbookText, specText } = await notesPlaybook();
    notes = api;
    const pushed = await service.api<{ version: { id: string } }>(
      service.admin,
      'POST',
      '/api/v1/playbooks',
      {
        playbookText,
        specText,
      },
    );
    await service.api(service.admin, 'POST', '/api/v1/partners', { id: 'acme', name: 'Acme' });
    const onboarding = await service.api<{ id: string }>(service.admin, 'POST', '/api/v1/onboardings', {
      partnerId: 'acme',
      playbookVersionId: pushed.body.version.id,
    });
    partner = await service.token('partner', 'acme');
    const uploaded = await service.api(partner, 'POST', '/api/v1/runs/uploads', {
      onboardingId: onboarding.body.id,
      playbookVersionId: pushed.body.version.id,
      report: passingReport,
    });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  });
  after(async () => {
    await service?.close();
    await notes?.close();
  });

  test('healthz and readyz answer without a token and say nothing else', async () => {
    const health = await service.api(undefined, 'GET', '/healthz');
    assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
    const ready = await service.api(undefined, 'GET', '/readyz');
    assert.deepEqual([ready.status, ready.body], [200, { status: 'ready' }]);
  });

  test('Prometheus /metrics needs a staff token and exposes the onboarding figures', async () => {
    assert.equal((await service.api(undefined, 'GET', '/metrics')).status, 401);
    assert.equal((await service.api(partner, 'GET', '/metrics')).status, 403);
    const viewer = await service.token('viewer');
    const scraped = await service.api<string>(viewer, 'GET', '/metrics');
    assert.equal(scraped.status, 200);
    assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = scraped.body;
    assert.match(text, /^gangway_up 1$/m);
    assert.match(text, /^# TYPE gangway_time_to_first_success_seconds summary$/m);
    assert.match(text, /^gangway_time_to_first_success_seconds_count 1$/m);
    assert.match(text, /^gangway_stage_runs_passed\{stage="readiness"\} 1$/m);
    assert.match(text, /^gangway_stage_pass_ratio\{stage="readiness"\} 1$/m);
    assert.match(text, /^gangway_waivers_open 0$/m);
    for (const line of text.trim().split('\n')) {
      assert.match(
        line,
        /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/,
        `exposition format: ${line}`,
      );
    }
  });

  test('the JSON metrics are scoped to a partner token', async () => {
    await service.api(service.admin, 'POST', '/api/v1/partners', { id: 'other', name: 'Other' });
    const other = await service.token('partner', 'other');
    const mine = await service.api<{ timeToFirstSuccess: { count: number } }>(
      partner,
      'GET',
      '/api/v1/metrics',
    );
    assert.equal(mine.body.timeToFirstSuccess.count, 1);
    const theirs = await service.api<{ timeToFirstSuccess: { count: number; perOnboarding: unknown[] } }>(
      other,
      'GET',
      '/api/v1/metrics?partnerId=acme',
    );
    assert.equal(theirs.body.timeToFirstSuccess.count, 0, 'partnerId cannot widen a partner token');
    assert.deepEqual(theirs.body.timeToFirstSuccess.perOnboarding, []);
  });
});
