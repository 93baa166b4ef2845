// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
// The dashboard's operations views in a real Chromium against a real service: the incidents list (open first,
// filters), a hostile incident title and runbook rendered as text, an incident's clocks, runbook, linked
// change, follow-up and action run; acknowledge, a note and a severity change from the page (each refreshes
// the view from the API); reject a run waiting for approval; the incidents metrics; the monitoring switch;
// and partner A seeing nothing of partner B's incidents.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Signal } from '../../src/core/ops/types.js';
import { applySignal } from '../../src/service/ops/incident-engine.js';
import { type DashboardBrowser, dashboardHelpers, openChromium, WAIT } from './dashboard-support.js';
import { startTestService, type TestService } from './support.js';

const XSS_TITLE = 'Notes API down <img src=x onerror="window.__xss=1;alert(1)">';
const XSS_RUNBOOK = `# Notes API down

1. Check the \`/health\` endpoint
2. <script>window.__xss=4</script> call the partner
3. Run the **rollback** action

<img src=x onerror="window.__xss=5">
`;
const BETA_TITLE = 'Beta zeta outage';

const playbook = (runbookPath: string) => `playbook: notes-ops
title: Notes operations
version: 1.0.0
environments:
  live: { baseUrl: "\${secret.LIVE_URL}" }
stages:
  - { id: live, environment: live, checks: [health] }
monitors:
  - { id: api-health, check: { health: { path: /health, samples: 1 } }, environment: live, every: 1h, jitter: 0ms, timeout: 2s }
detectors:
  - { id: down, kind: availability, monitors: [api-health], severity: SEV1, failures: 3, window: 5m }
severities:
  SEV1: { acknowledge: 15m, firstResolutionAttempt: 1h, mitigate: 2h, resolve: 4h }
  SEV2: { acknowledge: 30m, resolve: 8h }
actions:
  rollback: { type: webhook, purpose: rollback, url: "https://ops.example/rollback", cooldown: 0s, approval: manual }
runbooks: { availability: ${JSON.stringify(runbookPath)} }
`;

describe('dashboard operations views in Chromium', { timeout: 240_000 }, () => {
  let service: TestService;
  let browser: DashboardBrowser;
  let helpers: ReturnType<typeof dashboardHelpers>;
  let dir: string;
  const ids = { acmeOnboarding: '', acmeOpen: '', acmeResolved: '', betaOnboarding: '', betaOpen: '' };
  let acmeToken: string;

  const ok = async <T>(method: string, path: string, body: unknown, status: number): Promise<T> => {
    const answer = await service.api<T>(service.admin, method, `/api/v1${path}`, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  before(async () => {
    browser = await openChromium();
    service = await startTestService();
    helpers = dashboardHelpers(browser, service.url);
    dir = await mkdtemp(join(tmpdir(), 'gangway-dashboard-ops-'));
    const runbookPath = join(dir, 'availability.md');
    await writeFile(runbookPath, XSS_RUNBOOK);
    const versionId = (
      await ok<{ version: { id: string } }>(
        'POST',
        '/playbooks',
        { playbookText: playbook(runbookPath) },
        201,
      )
    ).version.id;
    for (const partner of [
      { id: 'acme', name: 'Acme Payments' },
      { id: 'beta', name: 'Beta Corp' },
    ]) {
      await ok('POST', '/partners', partner, 201);
    }
    const onboard = async (partnerId: string) =>
      (await ok<{ id: string }>('POST', '/onboardings', { partnerId, playbookVersionId: versionId }, 201)).id;
    ids.acmeOnboarding = await onboard('acme');
    ids.betaOnboarding = await onboard('beta');

    // Incidents through the engine, as a detector's signal opens them.
    const runtime = service.server.runtime;
    const { playbook: loaded } = await runtime.ctx.versions.get(versionId);
    const deps = {
      store: runtime.store,
      jobs: runtime.jobs,
      versions: runtime.ctx.versions,
      now: () => Date.now(),
    };
    const open = async (
      partnerId: string,
      onboardingId: string,
      key: string,
      severity: string,
      title: string,
    ) => {
      const signal: Signal = {
        type: 'trigger',
        detectorId: 'down',
        detectorKind: 'availability',
        dedupKey: `${onboardingId}:down:api-health:${key}`,
        severity,
        title,
        summary: `3 failures in 5 minutes (${key})`,
        signature: 'availability:api-health',
        at: Date.now(),
        monitorId: 'api-health',
        environment: 'live',
        details: {},
      };
      const incident = await applySignal(
        deps,
        { onboardingId, partnerId, playbookVersionId: versionId, ops: loaded.ops },
        signal,
      );
      assert.ok(incident);
      return incident.id;
    };
    ids.acmeResolved = await open('acme', ids.acmeOnboarding, 'earlier', 'SEV2', 'Acme earlier blip');
    await ok('POST', `/incidents/${ids.acmeResolved}/resolve`, { message: 'went away' }, 200);
    ids.acmeOpen = await open('acme', ids.acmeOnboarding, 'now', 'SEV1', XSS_TITLE);
    ids.betaOpen = await open('beta', ids.betaOnboarding, 'now', 'SEV1', BETA_TITLE);

    await ok(
      'POST',
      '/changes',
      {
        kind: 'deploy',
        title: 'notes-api 4.2 deployed',
        ref: 'v4.2',
        partnerId: 'acme',
        environment: 'live',
      },
      201,
    );
    await ok('POST', '/changes', { kind: 'deploy', title: 'beta-only change', partnerId: 'beta' }, 201);
    await ok(
      'POST',
      `/incidents/${ids.acmeOpen}/followups`,
      { title: 'Add a readiness probe', owner: 'alice' },
      201,
    );
    const run = await ok<{ status: string }>(
      'POST',
      `/incidents/${ids.acmeOpen}/actions`,
      { action: 'rollback' },
      202,
    );
    assert.equal(run.status, 'pending-approval');
    acmeToken = await service.token('partner', 'acme', 'acme-engineer');
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const rowOf = (id: string) => browser.page.locator(`#incidents tr[data-incident="${id}"]`);

  test('admin: the incidents list, open first; the hostile title is text; filters', async () => {
    const { page } = browser;
    await helpers.signIn(service.admin);
    await helpers.go('#/incidents', '#incidents');
    const order = await page
      .locator('#incidents tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident')));
    assert.deepEqual(
      order,
      [ids.betaOpen, ids.acmeOpen, ids.acmeResolved],
      'open (newest first), then resolved',
    );
    const acme = rowOf(ids.acmeOpen);
    assert.equal(await acme.locator('a').textContent(), XSS_TITLE);
    const text = (await acme.textContent()) ?? '';
    for (const part of ['SEV1', 'triggered', 'Acme Payments', 'down'])
      assert.ok(text.includes(part), `${part} in ${text}`);
    assert.match((await rowOf(ids.acmeResolved).textContent()) ?? '', /resolved after/);
    assert.equal(await page.locator('[data-nav="incidents"]').getAttribute('class'), 'active');

    await page.locator('#incident-filters select[name="status"]').selectOption('resolved');
    await page.locator('#incident-filters button[type="submit"]').click();
    await page.locator('#incident-summary', { hasText: '1 incident shown, 0 open' }).waitFor(WAIT);
    assert.equal(await rowOf(ids.acmeResolved).count(), 1);
    await helpers.go('#/incidents?severity=SEV1', '#incident-summary:has-text("2 incidents shown")');
    assert.equal(await rowOf(ids.acmeResolved).count(), 0);
    await helpers.assertClean();
  });

  test('admin: the detail — clocks, runbook as text, linked change, follow-up, a run waiting for approval', async () => {
    const { page } = browser;
    await helpers.go(`#/incidents/${ids.acmeOpen}`, '#incident-facts');
    assert.match(
      (await page.locator('#incident-title').textContent()) ?? '',
      /Notes API down <img src=x onerror=/,
    );
    const facts = (await page.locator('#incident-facts').textContent()) ?? '';
    for (const part of [
      'Acme Payments',
      'live',
      'api-health',
      'availability',
      `${ids.acmeOnboarding}:down:api-health:now`,
      'availability:api-health',
    ]) {
      assert.ok(facts.includes(part), `${part} in the facts`);
    }
    assert.match((await page.locator('#problem').textContent()) ?? '', /3 failures in 5 minutes/);
    const clocks = await page.locator('#clocks tbody tr').allTextContents();
    assert.equal(clocks.length, 4, clocks.join(' | '));
    assert.ok(
      clocks.every((c) => c.includes('running')),
      clocks.join(' | '),
    );
    // The runbook: structure from its Markdown, its markup as text.
    const runbook = page.locator('#runbook');
    assert.equal(await runbook.locator('h3').textContent(), 'Notes API down');
    assert.equal(await runbook.locator('ol li').count(), 3);
    assert.equal(await runbook.locator('code').first().textContent(), '/health');
    assert.equal(await runbook.locator('script').count(), 0);
    assert.match((await runbook.textContent()) ?? '', /<script>window.__xss=4<\/script> call the partner/);
    assert.match((await page.locator('#changes').textContent()) ?? '', /notes-api 4\.2 deployed/);
    assert.doesNotMatch((await page.locator('#changes').textContent()) ?? '', /beta-only/);
    assert.match((await page.locator('#followups').textContent()) ?? '', /Add a readiness probe.*alice/);
    assert.match((await page.locator('#similar').textContent()) ?? '', /Acme earlier blip/);
    assert.match((await page.locator('#timeline').textContent()) ?? '', /triggered/);
    const pending = page.locator('#action-runs tbody tr', { hasText: 'pending-approval' });
    assert.equal(await pending.locator('button[data-action="approve"]').count(), 1);
    await pending.locator('button[data-action="reject"]').click();
    await page.locator('#action-runs tbody tr', { hasText: 'suppressed' }).waitFor(WAIT);
    assert.equal(await page.locator('#action-runs button[data-action="approve"]').count(), 0);
    await helpers.assertClean();
  });

  test('admin: acknowledge, a note and a severity change from the page', async () => {
    const { page } = browser;
    const timelineRows = () => page.locator('#timeline tbody tr').count();
    const before = await timelineRows();
    await page.locator('#commands button[data-action="acknowledge"]').click();
    await page.locator('#incident-status', { hasText: 'acknowledged' }).waitFor(WAIT);
    const ack = page.locator('#timeline tbody tr', { hasText: 'acknowledged' });
    assert.match((await ack.textContent()) ?? '', /admin/);
    assert.ok((await timelineRows()) > before, 'a timeline entry was added');
    assert.equal(
      await page.locator('#commands button[data-action="acknowledge"]').count(),
      0,
      'no second acknowledge',
    );
    assert.ok(
      ((await page.locator('#clocks').textContent()) ?? '').includes('met'),
      'the acknowledge clock is met',
    );

    const note = 'Partner confirms <b>a</b> bad deploy';
    await page.locator('form[data-command="note"] input').fill(note);
    await page.locator('form[data-command="note"] button').click();
    await page.locator('#timeline tbody tr', { hasText: note }).waitFor(WAIT);

    await page.locator('form[data-command="severity"] input').fill('SEV2');
    await page.locator('form[data-command="severity"] button').click();
    await page.locator('#incident-severity', { hasText: 'SEV2' }).waitFor(WAIT);
    // SEV2's resolve clock (8h, the playbook's own; the other clocks are the defaults) is due 8h after the trigger.
    const resolveDue = await page.locator('#clocks tbody tr', { hasText: 'Resolve' }).locator('time').first();
    const { openedAt } = await ok<{ openedAt: string }>('GET', `/incidents/${ids.acmeOpen}`, undefined, 200);
    const resolveAfter = Date.parse((await resolveDue.getAttribute('datetime')) ?? '') - Date.parse(openedAt);
    assert.ok(
      Math.abs(resolveAfter - 8 * 3_600_000) < 1000,
      `resolve due ${resolveAfter} ms after the trigger`,
    );
    assert.equal(await page.locator('#notice').isHidden(), true, 'no command failed');

    // A refused command says why and leaves the page as it was.
    await page.locator('form[data-command="severity"] input').fill('SEV9');
    await page.locator('form[data-command="severity"] button').click();
    await page.locator('#notice:not([hidden])').waitFor(WAIT);
    assert.match((await page.locator('#notice').textContent()) ?? '', /SEV9/);
    await helpers.assertClean([/status of (400|409)/]);
  });

  test('metrics: the incidents figures', async () => {
    const { page } = browser;
    await helpers.go('#/metrics', '#ops-metrics');
    assert.match((await page.locator('#by-severity').textContent()) ?? '', /SEV1/);
    assert.match((await page.locator('#by-detector').textContent()) ?? '', /availability/);
    assert.match((await page.locator('#mttr').textContent()) ?? '', /over 1 resolved/);
    assert.match((await page.locator('#mtta').textContent()) ?? '', /over 1 acknowledged/);
    await helpers.assertClean();
  });

  test('admin: a resolution attempt, a follow-up, mitigate, resolve', async () => {
    const { page } = browser;
    await helpers.go(`#/incidents/${ids.acmeOpen}`, '#commands');
    await page.locator('form[data-command="attempt"] input').fill('restarted the notes pods');
    await page.locator('form[data-command="attempt"] button').click();
    await page.locator('#timeline tbody tr', { hasText: 'restarted the notes pods' }).waitFor(WAIT);
    const attempt = page.locator('#clocks tbody tr', { hasText: 'First resolution attempt' });
    assert.match((await attempt.textContent()) ?? '', /met/);

    await page.locator('form[data-command="followup"] input[name="title"]').fill('Alert on pod restarts');
    await page.locator('form[data-command="followup"] input[name="owner"]').fill('bob');
    await page.locator('form[data-command="followup"] input[name="due"]').fill('2030-01-31');
    await page.locator('form[data-command="followup"] button').click();
    await page.locator('#followups tbody tr', { hasText: 'Alert on pod restarts' }).waitFor(WAIT);
    const followups = await ok<{ items: { owner: string; dueAt: string | null }[] }>(
      'GET',
      `/incidents/${ids.acmeOpen}/followups`,
      undefined,
      200,
    );
    const added = followups.items.find((f) => f.owner === 'bob');
    assert.match(added?.dueAt ?? '', /^2030-0[12]-/);

    await page.locator('#commands button[data-action="mitigate"]').click();
    await page.locator('#incident-status', { hasText: 'mitigated' }).waitFor(WAIT);
    assert.equal(await page.locator('#commands button[data-action="mitigate"]').count(), 0);
    await page.locator('#commands button[data-action="resolve"]').click();
    await page.locator('#incident-status', { hasText: 'resolved' }).waitFor(WAIT);
    assert.equal(await page.locator('#commands button').count(), 2, 'only note and run action remain');
    const clocks = await page.locator('#clocks tbody tr').allTextContents();
    assert.ok(
      clocks.every((c) => /met|breached/.test(c)),
      clocks.join(' | '),
    );
    await page.locator('button[data-action="report"]').click();
    await page.locator('#report:not([hidden])').waitFor(WAIT);
    assert.match((await page.locator('#report').textContent()) ?? '', /^# Incident /);
    await helpers.assertClean();
  });

  test('admin: the monitoring switch on the onboarding', async () => {
    const { page } = browser;
    await helpers.go(`#/onboardings/${ids.acmeOnboarding}`, '#monitoring[data-state="ready"]');
    const section = page.locator('#monitoring');
    assert.equal(await section.getAttribute('data-enabled'), 'false');
    assert.match((await section.locator('tbody').textContent()) ?? '', /api-health/);
    await section.locator('button[data-action="monitoring"]').click();
    await page.locator('#monitoring[data-enabled="true"]').waitFor(WAIT);
    const stored = await ok<{ enabled: boolean }>(
      'GET',
      `/onboardings/${ids.acmeOnboarding}/monitoring`,
      undefined,
      200,
    );
    assert.equal(stored.enabled, true);
    await section.locator('button[data-action="samples"]').click();
    await section.locator('.samples table, .samples .empty').first().waitFor(WAIT);
    await section.locator('button[data-action="monitoring"]').click();
    await page.locator('#monitoring[data-enabled="false"]').waitFor(WAIT);
    await helpers.assertClean();
  });

  test('partner A sees its incidents only, without commands; B’s incident by id is not found', async () => {
    const { page } = browser;
    await page.locator('#sign-out').click();
    await page.locator('#signin').waitFor(WAIT);
    await helpers.signIn(acmeToken);
    await helpers.go('#/incidents', '#incidents');
    const listed = await page
      .locator('#incidents tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident')));
    assert.deepEqual(listed, [ids.acmeOpen, ids.acmeResolved]);
    const leaks = ['beta', 'Beta', BETA_TITLE, ids.betaOpen, ids.betaOnboarding];
    const noTraceOfB = async (where: string) => {
      const html = await page.content();
      for (const leak of leaks) assert.ok(!html.includes(leak), `${leak} on ${where}`);
    };
    await noTraceOfB('the incidents list');
    await helpers.go(`#/incidents/${ids.acmeOpen}`, '#incident-facts');
    assert.equal(await page.locator('#commands').count(), 0, 'partners give no commands');
    assert.equal(await page.locator('#deliveries').count(), 0, 'deliveries are staff-only');
    assert.equal(await page.locator('#changes').count(), 0, 'change markers are staff-only');
    assert.match((await page.locator('#timeline').textContent()) ?? '', /Partner confirms/);
    await noTraceOfB('the incident');
    await helpers.go('#/metrics', '#ops-metrics');
    await noTraceOfB('the metrics');
    await helpers.go(`#/incidents/${ids.betaOpen}`, '#view[data-state="error"]');
    assert.match((await page.locator('#view').textContent()) ?? '', /Not found/);
    await helpers.assertClean([/status of 404/]);
  });
});
