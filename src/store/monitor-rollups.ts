// Hourly roll-ups of monitor samples: counts, failures, sum and max of durations, and a fixed histogram of
// durations from which an approximate p95 is read. Every column is additive (max by comparison), so a batch
// upserts with `count = count + excluded.count`: concurrent writers in several processes cannot lose updates,
// and no read is needed before the write.
import { sql } from 'kysely';
import type { MonitorSample } from '../core/ops/types.js';
import type { StoreContext } from './context.js';
import type { MonitorRollupsTable } from './schema.js';

type Db = StoreContext['db'];

/**
 * Upper bounds (ms) of the histogram's buckets h0..h10; h11 counts the rest. Doubling from 25 ms, so the p95
 * read from it is within a factor of two of the true one (and never above the hour's max).
 */
export const HISTOGRAM_BOUNDS_MS = [25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600] as const;
const HISTOGRAM = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11'] as const;
type HistogramColumn = (typeof HISTOGRAM)[number];

const HOUR_MS = 3_600_000;

/** One hour of one monitor. */
export interface MonitorRollup {
  onboardingId: string;
  monitorId: string;
  /** Start of the hour, ISO-8601 UTC. */
  bucket: string;
  count: number;
  /** Samples whose outcome was failed or errored. */
  failures: number;
  avgMs: number;
  maxMs: number;
  /** Approximate: the upper bound of the histogram bucket holding the 95th percentile, capped at maxMs. */
  p95Ms: number;
  /** Counts per bucket of HISTOGRAM_BOUNDS_MS (the last one: over the last bound). */
  histogram: number[];
}

/** Which histogram bucket a duration falls in. */
function histogramIndex(ms: number): number {
  const i = HISTOGRAM_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? HISTOGRAM_BOUNDS_MS.length : i;
}

/** The start of the hour holding `at` (ms), as ISO text. */
export function hourBucket(at: number): string {
  return new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString();
}

/** Sums a batch's samples per (onboarding, monitor, hour): one row each, as PostgreSQL's upsert requires. */
export function rollupRows(samples: readonly { onboardingId: string; sample: MonitorSample }[]) {
  const rows = new Map<string, MonitorRollupsTable>();
  for (const { onboardingId, sample } of samples) {
    const bucket = hourBucket(sample.at);
    const key = JSON.stringify([onboardingId, sample.monitorId, bucket]);
    let row = rows.get(key);
    if (!row) {
      row = {
        onboarding_id: onboardingId,
        monitor_id: sample.monitorId,
        bucket,
        count: 0,
        failures: 0,
        sum_ms: 0,
        max_ms: 0,
        h0: 0,
        h1: 0,
        h2: 0,
        h3: 0,
        h4: 0,
        h5: 0,
        h6: 0,
        h7: 0,
        h8: 0,
        h9: 0,
        h10: 0,
        h11: 0,
      };
      rows.set(key, row);
    }
    const ms = Math.max(0, Math.round(sample.durationMs));
    row.count += 1;
    if (sample.outcome === 'failed' || sample.outcome === 'errored') row.failures += 1;
    row.sum_ms += ms;
    row.max_ms = Math.max(row.max_ms, ms);
    const column = HISTOGRAM[histogramIndex(ms)] as HistogramColumn;
    row[column] += 1;
  }
  return [...rows.values()];
}

/** Adds rows to the roll-ups inside `trx` (an additive upsert, chunked under the parameter limits). */
export async function upsertRollups(trx: Db, rows: MonitorRollupsTable[]): Promise<void> {
  const add = (column: keyof MonitorRollupsTable) =>
    sql<number>`${sql.ref(`monitor_rollups.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  // 19 parameters a row.
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('monitor_rollups')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.columns(['onboarding_id', 'monitor_id', 'bucket']).doUpdateSet({
          count: add('count'),
          failures: add('failures'),
          sum_ms: add('sum_ms'),
          // CASE rather than max()/greatest(): the same text on both databases.
          max_ms: sql<number>`case when excluded.max_ms > monitor_rollups.max_ms then excluded.max_ms else monitor_rollups.max_ms end`,
          ...Object.fromEntries(HISTOGRAM.map((h) => [h, add(h)])),
        }),
      )
      .execute();
  }
}

/** The approximate p95 of a histogram: the bound of the bucket where the cumulative count reaches 95 %. */
export function histogramP95(histogram: readonly number[], maxMs: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = Math.ceil(total * 0.95);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return Math.min(HISTOGRAM_BOUNDS_MS[i] ?? maxMs, maxMs);
  }
  return maxMs;
}

export function toRollup(row: MonitorRollupsTable): MonitorRollup {
  const histogram = HISTOGRAM.map((h) => Number(row[h]));
  const count = Number(row.count);
  const maxMs = Number(row.max_ms);
  return {
    onboardingId: row.onboarding_id,
    monitorId: row.monitor_id,
    bucket: row.bucket,
    count,
    failures: Number(row.failures),
    avgMs: count === 0 ? 0 : Number(row.sum_ms) / count,
    maxMs,
    p95Ms: histogramP95(histogram, maxMs),
    histogram,
  };
}
