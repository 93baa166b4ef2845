import type { CheckResult, Exchange, Timings } from '../core/result.js';
import { esc, ms, num } from './html-escape.js';

/** Exchanges rendered per check; the JSON report keeps them all. */
export const EXCHANGES_PER_CHECK = 50;
/** Characters of each body rendered; the JSON report keeps what the client kept. */
export const BODY_LIMIT = 16 * 1024;

/** Exchanges worth rendering: those findings point at first, then the rest, in recorded order. */
export function selectExchanges(result: CheckResult): { shown: Exchange[]; omitted: number } {
  const linked = new Set(result.findings.map((f) => f.exchangeId).filter((id) => id !== undefined));
  const picked = new Set<Exchange>();
  for (const ex of result.exchanges)
    if (picked.size < EXCHANGES_PER_CHECK && linked.has(ex.id)) picked.add(ex);
  for (const ex of result.exchanges) if (picked.size < EXCHANGES_PER_CHECK) picked.add(ex);
  const shown = result.exchanges.filter((ex) => picked.has(ex));
  return { shown, omitted: result.exchanges.length - shown.length };
}

/** One exchange, collapsed: request line, headers, bodies, status, timings per phase. */
export function renderExchange(ex: Exchange, anchor: string): string {
  const res = ex.response;
  const outcome = res ? `→ ${res.status}` : `→ ${ex.error?.code ?? 'no response'}`;
  const op = ex.operation ? ` · ${esc(ex.operation)}` : '';
  const head = `${esc(ex.request.method)} ${esc(ex.request.url)} ${esc(outcome)} · ${esc(ms(ex.timings.total))}${op}`;
  const parts = [
    `<details class="exchange" id="${anchor}"><summary>${head}</summary>`,
    `<p class="muted">started ${esc(ex.startedAt)} · trace id <code>${esc(ex.traceId)}</code> · exchange <code>${esc(ex.id)}</code></p>`,
    '<h4>Request</h4>',
    `<pre>${esc(ex.request.method)} ${esc(ex.request.url)}</pre>`,
    headerTable(ex.request.headers),
    body(ex.request.body, ex.request.bodyTruncated),
  ];
  if (res) {
    parts.push(
      `<h4>Response <span class="badge ${res.status < 400 ? 'passed' : 'failed'}">${esc(res.status)}</span> <span class="muted">${esc(num(res.size))} bytes</span></h4>`,
      headerTable(res.headers),
      body(res.body, res.bodyTruncated),
    );
  }
  if (ex.error) {
    parts.push(
      `<p class="note">No response: <code>${esc(ex.error.code)}</code> ${esc(ex.error.message)}</p>`,
    );
  }
  parts.push('<h4>Timings</h4>', timingTable(ex.timings), '</details>');
  return parts.join('\n');
}

function headerTable(headers: Record<string, string>): string {
  const rows = Object.entries(headers).map(
    ([name, value]) => `<tr><th><code>${esc(name)}</code></th><td><code>${esc(value)}</code></td></tr>`,
  );
  return rows.length === 0 ? '' : `<table class="headers">${rows.join('')}</table>`;
}

function body(text: string | undefined, truncatedUpstream: boolean | undefined): string {
  if (text === undefined || text === '') return '<p class="muted">(no body)</p>';
  let shown = pretty(text);
  const notes: string[] = [];
  if (shown.length > BODY_LIMIT) {
    // Never split a surrogate pair: half a character would make the file invalid UTF-8.
    const end = /[\ud800-\udbff]/.test(shown.charAt(BODY_LIMIT - 1)) ? BODY_LIMIT - 1 : BODY_LIMIT;
    notes.push(
      `showing the first ${num(end)} of ${num(shown.length)} characters; the JSON report has the rest`,
    );
    shown = shown.slice(0, end);
  }
  if (truncatedUpstream) notes.push('the body was cut when recorded (size limit)');
  const note = notes.length > 0 ? `<p class="note">${esc(notes.join('; '))}</p>` : '';
  return `<pre class="body">${esc(shown)}</pre>${note}`;
}

/** JSON bodies are easier to read indented; anything else is shown as received. */
function pretty(text: string): string {
  const first = text.trimStart()[0];
  if ((first !== '{' && first !== '[') || text.length > BODY_LIMIT) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const PHASES: readonly (keyof Timings)[] = ['dns', 'connect', 'tls', 'firstByte', 'total'];

function timingTable(timings: Timings): string {
  const total = Math.max(timings.total, 1e-9);
  const rows = PHASES.filter((phase) => timings[phase] !== undefined).map((phase) => {
    const value = timings[phase] ?? 0;
    const width = Math.min(100, Math.max(0.5, (value / total) * 100)).toFixed(1);
    return `<tr><th>${phase}</th><td>${esc(ms(value))}</td><td style="width:240px"><span class="bar" style="width:${width}%"></span></td></tr>`;
  });
  return `<table class="timings">${rows.join('')}</table>`;
}
