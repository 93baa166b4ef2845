import type { Sample } from '../core/result.js';
import { esc, num } from './html-escape.js';

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 60;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 42;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
/** Above this many samples the chart keeps the slowest ok and slowest failed sample per pixel column. */
export const CHART_MAX_POINTS = 2000;

/**
 * A latency scatter as inline SVG (x = time since the check started, y = latency, failed samples
 * in red, dashed p95). Empty string when there are no samples. Bounded in size whatever the input.
 */
export function latencyChart(samples: readonly Sample[]): string {
  const valid = samples.filter((s) => Number.isFinite(s.t) && Number.isFinite(s.ms));
  if (valid.length === 0) return '';
  // A loop, not Math.max(...spread): a load test can carry more samples than the call stack allows.
  let xMax = 1;
  let msMax = 1;
  for (const s of valid) {
    if (s.t > xMax) xMax = s.t;
    if (s.ms > msMax) msMax = s.ms;
  }
  const yTicks = niceTicks(msMax);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const seconds = xMax >= 2000;
  const xTicks = niceTicks(seconds ? xMax / 1000 : xMax).map((v) => (seconds ? v * 1000 : v));
  const xTop = Math.max(xMax, xTicks[xTicks.length - 1] ?? xMax);

  const x = (t: number): number => LEFT + (t / xTop) * PLOT_W;
  const y = (v: number): number => TOP + PLOT_H - (Math.max(0, v) / yMax) * PLOT_H;
  const shown = valid.length > CHART_MAX_POINTS ? downsample(valid, xTop) : valid;
  const path = (ok: boolean): string =>
    shown
      .filter((s) => s.ok === ok)
      .map((s) => `M${x(s.t).toFixed(1)} ${y(s.ms).toFixed(1)}h0`)
      .join('');

  const failed = valid.filter((s) => !s.ok).length;
  const p95 = percentile(
    valid.map((s) => s.ms),
    0.95,
  );
  const parts: string[] = [];
  for (const v of yTicks) {
    const py = y(v).toFixed(1);
    parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${py}" y2="${py}"/>`);
    parts.push(
      `<text x="${LEFT - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${num(v)}</text>`,
    );
  }
  for (const v of xTicks) {
    const px = x(v).toFixed(1);
    const label = seconds ? num(v / 1000) : num(v);
    parts.push(`<text x="${px}" y="${TOP + PLOT_H + 16}" text-anchor="middle">${label}</text>`);
  }
  const base = TOP + PLOT_H;
  parts.push(`<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}"/>`);
  parts.push(`<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${base}"/>`);
  parts.push(
    `<text x="${LEFT + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">time since check start (${seconds ? 's' : 'ms'})</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">latency (ms)</text>`,
  );
  const py95 = y(p95).toFixed(1);
  parts.push(`<line class="p95" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${py95}" y2="${py95}"/>`);
  parts.push(
    `<text x="${WIDTH - RIGHT}" y="${Number(py95) - 4}" text-anchor="end">p95 ${num(p95)} ms</text>`,
  );
  parts.push(`<path class="pts ok" d="${path(true)}"/>`);
  parts.push(`<path class="pts bad" d="${path(false)}"/>`);

  const label = `Latency of ${valid.length} requests, ${failed} failed`;
  const note =
    shown.length < valid.length
      ? `<p class="muted">${valid.length} samples; the slowest per pixel column is drawn.</p>`
      : '';
  return (
    `<figure><svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(label)}">` +
    `<title>${esc(label)}</title>${parts.join('')}</svg>` +
    `<figcaption class="muted">${esc(label)}; <span style="color:#dc2626">red</span> = failed.</figcaption>${note}</figure>`
  );
}

/** Round tick values from 0 to at least `max`, about five of them. */
export function niceTicks(max: number, count = 5): number[] {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function downsample(samples: readonly Sample[], xTop: number): Sample[] {
  const columns = new Map<string, Sample>();
  for (const s of samples) {
    const key = `${Math.floor((s.t / xTop) * PLOT_W)}:${s.ok}`;
    const kept = columns.get(key);
    if (!kept || s.ms > kept.ms) columns.set(key, s);
  }
  return [...columns.values()];
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
