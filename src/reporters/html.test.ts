import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { check, exchange, finding, HOSTILE, mixedReport, report } from './fixture.test-helper.js';
import { renderHtml } from './html.js';
import { CHART_MAX_POINTS, latencyChart } from './html-chart.js';
import { BODY_LIMIT, EXCHANGES_PER_CHECK } from './html-evidence.js';

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

describe('renderHtml', () => {
  const html = renderHtml(mixedReport());

  test('shows the verdict, reasons, counts and run identity', () => {
    assert.match(html, /<span class="verdict blocked">Gate sandbox: BLOCKED<\/span>/);
    assert.match(html, /<li>required check contract failed: 2 operations violate the contract<\/li>/);
    assert.match(html, /<span class="badge failed">1 failed<\/span>/);
    assert.match(html, /<dt>seed<\/dt><dd>42<\/dd>/);
    assert.match(html, /<dt>run id<\/dt><dd>run-0001<\/dd>/);
    assert.match(html, /Sign-offs pending: <strong>partnerships<\/strong>/);
    const open = renderHtml(report([check()]));
    assert.match(open, /<span class="verdict open">Gate sandbox: OPEN<\/span>/);
  });

  test('renders a section per check with findings, thresholds, measurements and evidence links', () => {
    assert.equal(count(html, /<section class="check /g), 5);
    assert.match(html, /<section class="check failed" id="c0" data-outcome="failed"><details open>/);
    assert.match(html, /<section class="check passed" id="c1" data-outcome="passed"><details>/);
    assert.match(html, /<code>body\.schema<\/code>/);
    assert.match(html, /<code>header\.missing<\/code>/);
    assert.match(html, /<dt>hint<\/dt><dd>send amounts in minor units/);
    assert.match(html, /<code>p95 &lt; 300ms<\/code><\/td><td>212\.345<\/td><td class="pass">/);
    assert.match(html, /<tr><th>requests<\/th><td>1200<\/td><\/tr>/);
    // The finding links to the exchange it came from, and that exchange is rendered with that anchor.
    assert.match(html, /<a href="#c0-x0">exchange ex-1<\/a>/);
    assert.match(html, /<details class="exchange" id="c0-x0">/);
    assert.match(html, /<pre id="c0-f0-curl">curl -X POST/);
    assert.match(html, /<button type="button" class="copy" data-copy="c0-f0-curl">/);
    assert.match(html, /Errored: <code>target\.unreachable<\/code>/);
  });

  test('escapes hostile content from the target everywhere', () => {
    assert.ok(!html.includes(HOSTILE), 'raw <script>alert(1)</script> in the report');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!html.includes('<b>bold</b>'));
    assert.ok(!html.includes('\u001b') && !html.includes('\u0000') && !html.includes('\u0007'));
    // Exactly one script element: ours.
    assert.equal(count(html, /<script\b/gi), 1);
    assert.equal(count(html, /<img\b/gi), 0);
  });

  test('references nothing outside the file', () => {
    // Only real tags: escaped evidence text (where the hostile <img src=...> lives) has no '<'.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    const attributes = tags.flatMap((tag) => [
      ...tag.matchAll(/\s(?:src|href|action|srcset|poster|data|xlink:href)\s*=\s*["']?([^"'\s>]*)/gi),
    ]);
    assert.ok(attributes.length > 0, 'the test should see the report links');
    for (const [, value] of attributes) assert.match(value ?? '', /^#/, `external reference ${value}`);
    assert.ok(!/<link\b/i.test(html));
    assert.ok(!/url\(\s*['"]?https?:/i.test(html));
    assert.ok(!/@import/i.test(html));
  });

  test('pins its only script by hash in a CSP that loads nothing', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.ok(csp);
    assert.match(csp, /default-src &#39;none&#39;/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    assert.ok(csp.includes(`sha256-${hash}`), 'CSP hash does not match the inline script');
  });

  test('caps exchanges per check and body size, with a note', () => {
    const exchanges = Array.from({ length: EXCHANGES_PER_CHECK + 30 }, (_, i) =>
      exchange({
        id: `ex-${i}`,
        response: { status: 200, headers: {}, body: 'x'.repeat(BODY_LIMIT * 2), size: 1 },
      }),
    );
    // The finding points at an exchange beyond the cap: it must still be rendered and linked.
    const linked = `ex-${EXCHANGES_PER_CHECK + 10}`;
    const big = renderHtml(
      report([check({ outcome: 'failed', exchanges, findings: [finding({ exchangeId: linked })] })]),
    );
    assert.equal(count(big, /<details class="exchange"/g), EXCHANGES_PER_CHECK);
    assert.match(big, /30 more exchanges are not shown here/);
    assert.match(big, new RegExp(`<a href="#c0-x\\d+">exchange ${linked}</a>`));
    assert.match(big, /showing the first 16384 of 32768 characters/);
    assert.ok(big.length < EXCHANGES_PER_CHECK * (BODY_LIMIT + 4096), `report is ${big.length} characters`);
  });

  test('draws a latency chart only when there are samples, failed samples in red', () => {
    assert.equal(count(html, /<svg class="chart"/g), 1);
    const chart = latencyChart([
      { t: 0, ms: 100, ok: true },
      { t: 500, ms: 900, ok: false },
    ]);
    assert.match(chart, /<path class="pts ok" d="M60\.0 [\d.]+h0"\/>/);
    assert.match(chart, /<path class="pts bad" d="M[\d.]+ [\d.]+h0"\/>/);
    assert.match(chart, />latency \(ms\)</);
    assert.match(chart, />time since check start \(ms\)</);
    assert.equal(latencyChart([]), '');
  });

  test('keeps a huge chart bounded', () => {
    const samples = Array.from({ length: 200_000 }, (_, i) => ({
      t: i,
      ms: (i * 7919) % 500,
      ok: i % 97 !== 0,
    }));
    const chart = latencyChart(samples);
    assert.ok(count(chart, /h0/g) <= 2 * 700, 'downsampled to about two points per pixel column');
    assert.ok(samples.length > CHART_MAX_POINTS);
    assert.match(chart, /200000 samples; the slowest per pixel column is drawn/);
  });
});
