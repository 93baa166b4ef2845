// Detector states of a batch, written in a few multi-row upserts instead of one statement per sample (the
// state writes were two thirds of a batch's time). Versions guard concurrent writers: a conditional write
// carries `expectedVersion + 1` and only replaces a row still at `expectedVersion`.
import { sql } from 'kysely';
import type { MonitorSample } from '../core/ops/types.js';
import type { StoreContext } from './context.js';
import type { MonitorStatesTable } from './schema.js';

type Db = StoreContext['db'];

/** One execution to record: the sample, and optionally the detectors' state after it. */
export interface MonitorRecord {
  onboardingId: string;
  sample: MonitorSample;
  /** The detectors' state after this sample (JSON); absent: the state is not written. */
  state?: unknown;
  /**
   * Write the state only over this version (0: only if there is none yet); absent: always. Several records of
   * one monitor in a batch are applied in order.
   */
  expectedVersion?: number;
  /** When the monitor runs next (ms), kept with the state. */
  nextAt?: number;
  /** The sample is already stored (a state write retried after a conflict): only the state is written. */
  sampleStored?: boolean;
}

/** A state write refused because another writer got there first: reload it, re-apply the sample. */
export interface StateConflict {
  onboardingId: string;
  monitorId: string;
  expectedVersion: number;
  /** The version found (0: none). */
  version: number;
}

// 7 parameters a row.
const CHUNK = 400;

const keyOf = (onboardingId: string, monitorId: string) => JSON.stringify([onboardingId, monitorId]);

function stateRow(r: MonitorRecord, now: string): MonitorStatesTable {
  return {
    onboarding_id: r.onboardingId,
    monitor_id: r.sample.monitorId,
    state: JSON.stringify(r.state) ?? 'null',
    last_at: new Date(r.sample.at).toISOString(),
    next_at: r.nextAt === undefined ? null : new Date(r.nextAt).toISOString(),
    version: (r.expectedVersion ?? 0) + 1,
    updated_at: now,
  };
}

/**
 * Splits a batch's state writes into rounds in which each (onboarding, monitor) appears once: PostgreSQL
 * refuses an upsert that touches a row twice, and a batch may carry several samples of one monitor in order.
 */
function rounds(records: readonly MonitorRecord[]): MonitorRecord[][] {
  const out: MonitorRecord[][] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    if (r.state === undefined) continue;
    const key = keyOf(r.onboardingId, r.sample.monitorId);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    const list = out[round] ?? [];
    out[round] = list;
    list.push(r);
  }
  return out;
}

/** Upserts rows; returns the keys written. `guarded`: only over a row at version - 1; else version + 1. */
async function upsert(trx: Db, rows: MonitorStatesTable[], guarded: boolean): Promise<Set<string>> {
  const written = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const out = await trx
      .insertInto('monitor_states')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => {
        const target = oc.columns(['onboarding_id', 'monitor_id']);
        const set = {
          state: sql<string>`excluded.state`,
          last_at: sql<string>`excluded.last_at`,
          next_at: sql<string>`excluded.next_at`,
          updated_at: sql<string>`excluded.updated_at`,
        };
        return guarded
          ? target
              .doUpdateSet({ ...set, version: sql<number>`excluded.version` })
              .where(sql<boolean>`monitor_states.version = excluded.version - 1`)
          : target.doUpdateSet({ ...set, version: sql<number>`monitor_states.version + 1` });
      })
      .returning(['onboarding_id', 'monitor_id'])
      .execute();
    for (const r of out) written.add(keyOf(r.onboarding_id, r.monitor_id));
  }
  return written;
}

/**
 * Writes the states of a batch inside `trx`. Unconditional ones (no `expectedVersion`) always win; a guarded
 * one is refused when the row has moved on (or, with 0, exists), and reported with the version found.
 */
export async function writeStates(
  trx: Db,
  now: string,
  records: readonly MonitorRecord[],
): Promise<StateConflict[]> {
  const conflicts: StateConflict[] = [];
  for (const round of rounds(records)) {
    const guarded = round.filter((r) => r.expectedVersion !== undefined);
    const free = round.filter((r) => r.expectedVersion === undefined);
    if (free.length > 0)
      await upsert(
        trx,
        free.map((r) => stateRow(r, now)),
        false,
      );
    if (guarded.length === 0) continue;
    const written = await upsert(
      trx,
      guarded.map((r) => stateRow(r, now)),
      true,
    );
    const refused = guarded.filter((r) => !written.has(keyOf(r.onboardingId, r.sample.monitorId)));
    for (const r of refused) {
      const current = await trx
        .selectFrom('monitor_states')
        .select('version')
        .where('onboarding_id', '=', r.onboardingId)
        .where('monitor_id', '=', r.sample.monitorId)
        .executeTakeFirst();
      conflicts.push({
        onboardingId: r.onboardingId,
        monitorId: r.sample.monitorId,
        expectedVersion: r.expectedVersion ?? 0,
        version: current ? Number(current.version) : 0,
      });
    }
  }
  return conflicts;
}
