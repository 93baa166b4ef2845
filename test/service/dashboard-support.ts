// Shared by the dashboard's Chromium tests: where the browser is, how it is started, and the page helpers
// (sign in, go to a view, assert a clean console with no injected markup).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GANGWAY_CHROMIUM ?? '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const WAIT = { timeout: 60_000 };

/** A headless Chromium page whose console errors, page errors and dialogs are collected as problems. */
export interface DashboardBrowser {
  context: BrowserContext;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

/** Starts Debian's Chromium with a throw-away profile; fails (never skips) when it is missing. */
export async function openChromium(): Promise<DashboardBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set GANGWAY_CHROMIUM`,
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'gangway-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Page helpers bound to one browser and one service. */
export function dashboardHelpers(browser: DashboardBrowser, serviceUrl: string) {
  const { page, problems } = browser;
  return {
    /** No console error (but the allowed ones), no dialog, no script injected, no <img> made from data. */
    async assertClean(allowed: RegExp[] = []) {
      const unexpected = problems.splice(0).filter((p) => !allowed.some((a) => a.test(p)));
      assert.deepEqual(unexpected, []);
      assert.equal(await page.evaluate('window.__xss'), undefined);
      assert.equal(await page.locator('img').count(), 0, 'no <img> element was created from data');
    },
    /** Signs in with a pasted token on a fresh page and waits for the first view. */
    async signIn(token: string, ready = '#onboardings') {
      await page.goto(`${serviceUrl}/#/`);
      await page.locator('#token').fill(token);
      await page.locator('#signin-form button[type=submit]').click();
      await page.locator(ready).waitFor(WAIT);
    },
    /** Navigates by hash and waits for an element of the view. */
    async go(hash: string, ready: string) {
      // A string: the test's type-check has no DOM library.
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.locator(ready).first().waitFor(WAIT);
    },
  };
}
