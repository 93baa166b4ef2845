// `gangway run --report junit=... --report html=...`: both files written, the HTML states the verdict and
// loads nothing from the network.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startNotes } from '../fixtures/apis/notes.js';
import { cli, repoRoot, tempDir } from './helpers.js';

const PLAYBOOK = join(repoRoot, 'test/fixtures/playbooks/cli-notes.yaml');
const TOKEN = 'notes-report-token-5c2a';

/** URLs in src/href-like attributes of real tags (escaped evidence text has no '<'). */
function attributeUrls(html: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    for (const m of tag.matchAll(
      /\s(?:src|href|action|srcset|poster|data|xlink:href)\s*=\s*["']?([^"'\s>]*)/gi,
    )) {
      urls.push(m[1] ?? '');
    }
  }
  return urls;
}

async function runWithReports(defects: boolean) {
  const server = await startNotes({ token: TOKEN, defects });
  const dir = tempDir();
  try {
    const result = await cli(
      [
        'run',
        PLAYBOOK,
        '--stage',
        'sandbox',
        '--report',
        'junit=out/nested/junit.xml',
        '--report',
        'html=out/report.html',
      ],
      { cwd: dir, env: { NOTES_URL: server.url, GANGWAY_SECRET_NOTES_TOKEN: TOKEN } },
    );
    return { ...result, dir };
  } finally {
    await server.close();
  }
}

describe('gangway run --report junit= --report html=', () => {
  test('a blocked gate: both files written, HTML says BLOCKED, JUnit has the failures', async () => {
    const { code, out, dir } = await runWithReports(true);
    assert.equal(code, 1);
    const junitFile = join(dir, 'out/nested/junit.xml');
    const htmlFile = join(dir, 'out/report.html');
    assert.ok(existsSync(junitFile), 'relative report paths resolve against the working directory');
    assert.ok(existsSync(htmlFile));
    assert.match(out, /junit report: .*junit\.xml/);
    assert.match(out, /html report: .*report\.html/);

    const junit = readFileSync(junitFile, 'utf8');
    assert.match(junit, /^<\?xml/);
    assert.match(junit, /<testsuite[^>]*name="[^"]*sandbox[^"]*"/);
    // one test case per check (contract, flow) plus one for the gate
    assert.equal((junit.match(/<testcase /g) ?? []).length, 3, junit.slice(0, 2000));
    assert.match(junit, /<testcase[^>]*name="gate sandbox"/);
    assert.match(junit, /<failure[^>]*>/);
    assert.match(junit, /response\.server-error/);

    const html = readFileSync(htmlFile, 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /Gate sandbox: BLOCKED/);
    assert.match(html, /updateNote/);
    const external = attributeUrls(html).filter((u) => /^(https?:)?\/\//i.test(u));
    assert.deepEqual(external, []);
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)\s*=\s*["']?https?:/i);
    for (const text of [junit, html, out]) assert.ok(!text.includes(TOKEN), 'the bearer token leaked');
  });

  test('an open gate: the HTML says OPEN and JUnit has no failure', async () => {
    const { code, dir, out, err } = await runWithReports(false);
    assert.equal(code, 0, out + err);
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    assert.match(html, /Gate sandbox: OPEN/);
    assert.deepEqual(
      attributeUrls(html).filter((u) => /^(https?:)?\/\//i.test(u)),
      [],
    );
    const junit = readFileSync(join(dir, 'out/nested/junit.xml'), 'utf8');
    assert.doesNotMatch(junit, /<failure|<error/);
  });
});
