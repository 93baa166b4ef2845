// The dashboard in a real Chromium (Debian's, driven by playwright-core) against a real service: sign in,
// gates and their blockers, a run followed live, sign-off, advance, run detail, metrics, audit, partner
// scope, and a hostile partner/check name that must render as text.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import { CHROMIUM, FLAGS, WAIT } from './dashboard-support.js';
import { NOTES_TOKEN, notesPlaybook, startTestService, type TestService } from './support.js';

const XSS_PARTNER = 'Beta <img src=x onerror="window.__xss=1;alert(1)">';
const XSS_CHECK = 'Lifecycle <img src=x onerror="window.__xss=2;alert(2)">';
const XSS_MESSAGE = '<script>window.__xss=3</script> status 500';

describe('dashboard in Chromium', { timeout: 240_000 }, () => {
  let service: TestService;
  let notes: ApiServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let acmeOnboarding: string;
  let betaOnboarding: string;
  let betaRun: string;
  let acmeToken: string;
  const problems: string[] = [];

  before(async () => {
    // Fail, never skip: a missing browser must be visible. .ci/run installs Debian's chromium.
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set GANGWAY_CHROMIUM`,
      );
    }
    service = await startTestService();
    const { api, playbookText, specText } = await notesPlaybook();
    notes = api;
    const admin = service.admin;
    const pushed = await service.api<{ version: { id: string } }>(admin, 'POST', '/api/v1/playbooks', {
      playbookText,
      specText,
    });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    for (const partner of [
      { id: 'acme', name: 'Acme Payments' },
      { id: 'beta', name: XSS_PARTNER },
    ]) {
      assert.equal((await service.api(admin, 'POST', '/api/v1/partners', partner)).status, 201);
    }
    for (const [name, value] of [
      ['NOTES_URL', notes.url],
      ['notes_token', NOTES_TOKEN],
    ] as const) {
      assert.equal(
        (await service.api(admin, 'PUT', `/api/v1/secrets/global/${name}`, { value })).status,
        204,
      );
    }
    const start = async (partnerId: string) => {
      const started = await service.api<{ id: string }>(admin, 'POST', '/api/v1/onboardings', {
        partnerId,
        playbookVersionId: pushed.body.version.id,
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      return started.body.id;
    };
    acmeOnboarding = await start('acme');
    betaOnboarding = await start('beta');
    // A failed run of beta's, uploaded, whose check title and finding carry markup.
    const uploaded = await service.api<{ id: string }>(admin, 'POST', '/api/v1/runs/uploads', {
      onboardingId: betaOnboarding,
      playbookVersionId: pushed.body.version.id,
      report: {
        formatVersion: 1,
        run: { stage: { id: 'readiness' } },
        outcome: 'failed',
        checks: [
          {
            id: 'lifecycle',
            kind: 'flow',
            title: XSS_CHECK,
            required: true,
            outcome: 'failed',
            summary: '1 of 2 steps failed',
            startedAt: new Date().toISOString(),
            durationMs: 12,
            findings: [
              {
                code: 'flow.status',
                severity: 'error',
                message: XSS_MESSAGE,
                operation: 'createNote',
                pointer: 'status',
                hint: 'check the notes service logs',
              },
            ],
            measurements: {},
            thresholds: [],
            samples: [],
            exchanges: [],
          },
        ],
      },
    });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    betaRun = uploaded.body.id;
    acmeToken = await service.token('partner', 'acme', 'acme-engineer');

    userDataDir = await mkdtemp(join(tmpdir(), 'gangway-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  after(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await service?.close();
    await notes?.close();
  });

  /** Every test ends with a clean console: no errors, no dialogs, no script injected. */
  const assertClean = async (allowed: RegExp[] = []) => {
    const unexpected = problems.splice(0).filter((p) => !allowed.some((a) => a.test(p)));
    assert.deepEqual(unexpected, []);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    assert.equal(await page.locator('img').count(), 0, 'no <img> element was created from data');
  };

  const signIn = async (token: string) => {
    await page.goto(`${service.url}/#/`);
    await page.locator('#token').fill(token);
    await page.locator('#signin-form button[type=submit]').click();
    await page.locator('#onboardings').waitFor(WAIT);
  };

  const go = async (hash: string, ready: string) => {
    // A string: the test's type-check has no DOM library.
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.locator(ready).first().waitFor(WAIT);
  };

  test('the page’s JavaScript type-checks (JSDoc, strict, DOM library)', async () => {
    // The files ship as written (no build step), so their types are checked here: tsc -p web/jsconfig.json.
    const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', 'web/jsconfig.json'], {
      timeout: 120_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    assert.equal(checked.stdout.trim(), '');
  });

  test('serves the page with a strict policy and no-store session', async () => {
    const response = await fetch(`${service.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    const html = await response.text();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)/, 'no inline script');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
    const script = await fetch(`${service.url}/app.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    const etag = script.headers.get('etag') ?? '';
    assert.equal((await fetch(`${service.url}/app.js`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await service.api(undefined, 'GET', '/api/v1/session')).status, 401);
    const me = await service.api<{ role: string; partnerId: string | null }>(
      acmeToken,
      'GET',
      '/api/v1/session',
    );
    assert.deepEqual(
      { role: me.body.role, partnerId: me.body.partnerId },
      { role: 'partner', partnerId: 'acme' },
    );
    assert.equal((await fetch(`${service.url}/../package.json`)).status, 404);
  });

  test('admin: every onboarding with its blocked gate; the hostile name renders as text', async () => {
    await signIn(service.admin);
    assert.match((await page.locator('#who-name').textContent()) ?? '', /admin/);
    const acme = page.locator(`tr[data-onboarding="${acmeOnboarding}"]`);
    assert.match((await acme.textContent()) ?? '', /Acme Payments/);
    assert.match((await acme.textContent()) ?? '', /blocked/);
    assert.match((await acme.locator('.reasons').textContent()) ?? '', /no finished run/);
    const beta = page.locator(`tr[data-onboarding="${betaOnboarding}"] .partner`);
    assert.equal(await beta.textContent(), `${XSS_PARTNER} beta`);
    assert.equal(await page.evaluate('sessionStorage.length'), 1);
    await assertClean();
  });

  test('admin: runs a stage and follows it live, signs off, sees the gate open, advances', async () => {
    await go(`#/onboardings/${acmeOnboarding}`, 'article[data-stage="readiness"]');
    const readiness = page.locator('article[data-stage="readiness"]');
    assert.equal(await readiness.locator('[data-verdict]').getAttribute('data-verdict'), 'blocked');
    assert.equal(await page.locator('form.advance button').isDisabled(), true, 'no advance while blocked');
    await readiness.locator('button[data-action="run"]').click();
    await page.locator('.live-status[data-status="passed"]').waitFor(WAIT);
    const events = await page
      .locator('.live-log li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-event')));
    for (const type of ['run.started', 'check.started', 'check.finished', 'run.finished', 'end']) {
      assert.ok(events.includes(type), `${type} in ${events.join(', ')}`);
    }
    await readiness.locator('.blockers', { hasText: 'waiting for sign-off by partnerships' }).waitFor(WAIT);
    await readiness.locator('button[data-action="signoff"][data-role="partnerships"]').click();
    await readiness.locator('[data-verdict="open"]').waitFor(WAIT);
    await page.locator('form.advance input[name="why"]').fill('readiness proven in the dashboard');
    await page.locator('form.advance button[data-action="advance"]').click();
    await page.locator('#current-stage', { hasText: 'sandbox' }).waitFor(WAIT);
    assert.match(
      (await page.locator('#transitions').textContent()) ?? '',
      /readiness proven in the dashboard/,
    );
    assert.equal(await page.locator('#notice').isHidden(), true, 'no action failed');
    await assertClean();
  });

  test('admin: a run’s results with findings; metrics; the audit trail verified', async () => {
    await go(`#/runs/${betaRun}`, 'article.result');
    const result = page.locator('article.result[data-check="lifecycle"]');
    assert.match((await result.locator('h3').textContent()) ?? '', /^Lifecycle <img src=x onerror=/);
    const finding = (await result.locator('tbody tr').first().textContent()) ?? '';
    for (const part of ['flow.status', 'createNote', 'status', XSS_MESSAGE, 'check the notes service logs']) {
      assert.ok(finding.includes(part), `${part} in ${finding}`);
    }
    await go('#/metrics', '#pass-rates');
    assert.match((await page.locator('#pass-rates').textContent()) ?? '', /readiness/);
    await go('#/audit', '#verification');
    assert.match((await page.locator('#verification').textContent()) ?? '', /intact/);
    assert.match((await page.locator('#audit-events').textContent()) ?? '', /signoff/);
    await assertClean();
  });

  test('sign out forgets the token; partner A sees no trace of partner B', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#signin').waitFor(WAIT);
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    await signIn(acmeToken);
    assert.equal(await page.locator('#onboardings tbody tr').count(), 1);
    assert.equal(await page.locator('[data-nav="audit"]').isHidden(), true, 'no audit view for partners');
    const leaks = ['beta', 'Beta', betaOnboarding, betaRun];
    const noTraceOfB = async (where: string) => {
      const html = await page.content();
      for (const leak of leaks) assert.ok(!html.includes(leak), `${leak} on ${where}`);
    };
    await noTraceOfB('the onboardings');
    await go(`#/onboardings/${acmeOnboarding}`, 'article[data-stage="sandbox"]');
    assert.equal(await page.locator('form.advance').count(), 0, 'partners do not advance');
    await noTraceOfB('the onboarding');
    await go('#/metrics', '#pass-rates');
    await noTraceOfB('the metrics');
    // Asking for B's onboarding by id gets the API's 404, shown as such.
    await go(`#/onboardings/${betaOnboarding}`, '#view[data-state="error"]');
    assert.match((await page.locator('#view').textContent()) ?? '', /Not found/);
    await assertClean([/status of 404/]);
  });
});
