import { createHash } from 'node:crypto';

/** Inline stylesheet: the report must open offline, from an email attachment or a CI artifact. */
export const STYLE = `
:root { --ok:#15803d; --fail:#b91c1c; --warn:#b45309; --err:#7e22ce; --skip:#6b7280; --line:#e5e7eb;
  --bg:#fff; --fg:#111827; --muted:#6b7280; --code:#f3f4f6; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --line:#374151; --bg:#111827; --fg:#f3f4f6; --muted:#9ca3af;
  --code:#1f2937; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; background:var(--bg); color:var(--fg); }
main { max-width:1100px; margin:0 auto; padding:24px 16px 64px; }
h1 { font-size:22px; margin:0 0 4px; } h2 { font-size:17px; margin:0; display:inline; } h3 { font-size:15px; margin:18px 0 6px; }
.muted { color:var(--muted); }
.verdict { display:inline-block; font-size:28px; font-weight:700; padding:8px 18px; border-radius:8px; color:#fff; margin:12px 0; }
.verdict.open { background:var(--ok); } .verdict.blocked { background:var(--fail); }
.run-outcome { margin-left:12px; font-weight:600; }
ul.reasons li { color:var(--fail); } ul.notes li { color:var(--muted); }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:2px 16px; margin:12px 0; }
dl.meta dt { color:var(--muted); } dl.meta dd { margin:0; overflow-wrap:anywhere; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; color:#fff; vertical-align:middle; }
.passed { --c:var(--ok); } .failed { --c:var(--fail); } .warned { --c:var(--warn); } .errored { --c:var(--err); } .skipped { --c:var(--skip); }
.badge { background:var(--c,var(--skip)); }
.counts .badge { margin-right:6px; }
nav.filters { margin:16px 0; display:flex; gap:6px; flex-wrap:wrap; }
nav.filters button, button.copy { font:inherit; font-size:12px; padding:3px 10px; border:1px solid var(--line); border-radius:6px; background:var(--code); color:var(--fg); cursor:pointer; }
nav.filters button[aria-pressed="true"] { border-color:var(--fg); font-weight:600; }
section.check { border:1px solid var(--line); border-left:5px solid var(--c,var(--skip)); border-radius:8px; margin:12px 0; padding:0 14px; }
section.check > details > summary { cursor:pointer; padding:10px 0; list-style-position:outside; }
.summary-text { display:block; margin:2px 0 0; }
table { border-collapse:collapse; margin:6px 0; font-size:13px; }
th, td { text-align:left; padding:3px 10px 3px 0; border-bottom:1px solid var(--line); vertical-align:top; }
td.pass { color:var(--ok); } td.fail { color:var(--fail); }
.finding { border:1px solid var(--line); border-radius:6px; padding:8px 10px; margin:8px 0; }
.finding.error { border-left:4px solid var(--fail); } .finding.warning { border-left:4px solid var(--warn); } .finding.info { border-left:4px solid var(--skip); }
.finding dl { display:grid; grid-template-columns:max-content 1fr; gap:2px 12px; margin:6px 0 0; }
.finding dt { color:var(--muted); } .finding dd { margin:0; overflow-wrap:anywhere; }
code, pre { font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
pre { background:var(--code); padding:8px; border-radius:6px; overflow:auto; max-height:420px; white-space:pre-wrap; overflow-wrap:anywhere; margin:4px 0; }
.curl { position:relative; } .curl button.copy { position:absolute; top:4px; right:4px; }
details.exchange { border:1px solid var(--line); border-radius:6px; margin:6px 0; padding:4px 10px; }
details.exchange > summary { cursor:pointer; font-family:ui-monospace,monospace; font-size:12px; overflow-wrap:anywhere; }
details.exchange:target { outline:2px solid var(--warn); }
.note { color:var(--warn); font-size:12px; }
.bar { display:inline-block; height:8px; background:var(--c,#2563eb); border-radius:2px; vertical-align:middle; }
svg.chart { width:100%; max-width:760px; height:auto; }
svg.chart text { font-size:11px; fill:var(--muted); }
svg.chart .axis { stroke:var(--muted); stroke-width:1; } svg.chart .grid { stroke:var(--line); stroke-width:1; }
svg.chart .pts { fill:none; stroke-width:3.5; stroke-linecap:round; }
svg.chart .ok { stroke:#2563eb; } svg.chart .bad { stroke:#dc2626; } svg.chart .p95 { stroke:var(--warn); stroke-dasharray:4 3; }
[hidden] { display:none !important; }
`;

/** Inline script: outcome filters, expand/collapse all, copy buttons. The report works without it. */
export const SCRIPT = `
(function () {
  var checks = Array.prototype.slice.call(document.querySelectorAll('section.check'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('nav.filters button[data-filter]'));
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      var filter = button.getAttribute('data-filter');
      buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
      checks.forEach(function (c) { c.hidden = filter !== 'all' && c.getAttribute('data-outcome') !== filter; });
    });
  });
  document.querySelectorAll('nav.filters button[data-open]').forEach(function (button) {
    button.addEventListener('click', function () {
      var open = button.getAttribute('data-open') === 'true';
      document.querySelectorAll('section.check > details').forEach(function (d) { d.open = open; });
    });
  });
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.copy');
    if (!button) return;
    var pre = document.getElementById(button.getAttribute('data-copy'));
    if (!pre) return;
    var text = pre.textContent;
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
    var fallback = function () {
      var range = document.createRange(); range.selectNodeContents(pre);
      var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
      try { document.execCommand('copy'); done(); } catch (e) { /* the text stays selected for Ctrl-C */ }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  });
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (!link) return;
    var target = document.getElementById(link.getAttribute('href').slice(1));
    for (var node = target; node; node = node.parentElement) if (node.tagName === 'DETAILS') node.open = true;
  });
})();
`;

/**
 * Content-Security-Policy: nothing may load from anywhere, and only our own script (by hash) may
 * run, so even an escaping bug could not execute a script a hostile server slipped into a body.
 */
export const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
