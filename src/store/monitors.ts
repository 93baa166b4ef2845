// Monitor samples, hourly roll-ups and detector states. The hot path of operations: `record` stores a whole
// batch of executions in one transaction, with no audit event per sample (samples are measurements, not
// decisions; retention is audited).
import { InputError } from '../core/errors.js';
import type { MonitorSample, SampleFinding } from '../core/ops/types.js';
import type { Outcome } from '../core/result.js';
import { OUTCOMES } from '../core/result.js';
import { type Actor, newId, parseJson, type StoreContext } from './context.js';
import { isoTime } from './incident-rows.js';
import { type MonitorRollup, rollupRows, toRollup, upsertRollups } from './monitor-rollups.js';
import { type MonitorRecord, type StateConflict, writeStates } from './monitor-states.js';
import { pruneOlderThan } from './retention.js';
import type { MonitorSamplesTable, MonitorStatesTable } from './schema.js';

export { HISTOGRAM_BOUNDS_MS, type MonitorRollup } from './monitor-rollups.js';
export type { MonitorRecord, StateConflict } from './monitor-states.js';

/** A stored sample, with its id. */
export interface StoredSample extends MonitorSample {
  id: string;
  onboardingId: string;
}

export interface MonitorState {
  onboardingId: string;
  monitorId: string;
  state: unknown;
  lastAt: string | null;
  nextAt: string | null;
  version: number;
  updatedAt: string;
}

/** Findings kept per sample, and characters kept per message: samples are many, evidence lives elsewhere. */
export const MAX_SAMPLE_FINDINGS = 20;
const MAX_TEXT = 500;
// 10 parameters a row.
const CHUNK = 400;

function sampleRow(onboardingId: string, s: MonitorSample): MonitorSamplesTable {
  if (!onboardingId || typeof s.monitorId !== 'string' || s.monitorId.length === 0)
    throw new InputError(
      'monitor-sample.invalid',
      'a monitor sample needs an onboarding id and a monitor id',
    );
  if (!Number.isFinite(s.at) || !Number.isFinite(s.durationMs))
    throw new InputError(
      'monitor-sample.invalid',
      `sample of ${s.monitorId}: at and durationMs must be numbers`,
    );
  if (!(OUTCOMES as readonly string[]).includes(s.outcome))
    throw new InputError(
      'monitor-sample.invalid',
      `sample of ${s.monitorId}: "${s.outcome}" is not an outcome`,
    );
  const findings: SampleFinding[] = s.findings.slice(0, MAX_SAMPLE_FINDINGS).map((f) => ({
    ...f,
    message: f.message.slice(0, MAX_TEXT),
  }));
  return {
    id: newId('smp'),
    onboarding_id: onboardingId,
    monitor_id: s.monitorId,
    environment: s.environment,
    at: new Date(s.at).toISOString(),
    outcome: s.outcome,
    duration_ms: Math.max(0, Math.round(s.durationMs)),
    measurements: JSON.stringify(s.measurements ?? {}),
    findings: JSON.stringify(findings),
    error: s.error
      ? JSON.stringify({ code: s.error.code, message: s.error.message.slice(0, MAX_TEXT) })
      : null,
  };
}

function toSample(row: MonitorSamplesTable): StoredSample {
  const error = parseJson<{ code: string; message: string } | null>(row.error, null);
  return {
    id: row.id,
    onboardingId: row.onboarding_id,
    monitorId: row.monitor_id,
    environment: row.environment,
    at: Date.parse(row.at),
    outcome: row.outcome as Outcome,
    durationMs: Number(row.duration_ms),
    measurements: parseJson<Record<string, number>>(row.measurements, {}),
    findings: parseJson<SampleFinding[]>(row.findings, []),
    ...(error && { error }),
  };
}

function toState(row: MonitorStatesTable): MonitorState {
  return {
    onboardingId: row.onboarding_id,
    monitorId: row.monitor_id,
    state: parseJson<unknown>(row.state, null),
    lastAt: row.last_at,
    nextAt: row.next_at,
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}

export interface SampleFilter {
  onboardingId: string;
  monitorId: string;
  since?: string | number;
  until?: string | number;
  limit?: number;
}

/** The query behind monitors.samples (exported so tests can EXPLAIN it): newest first. */
export function sampleListQuery(db: StoreContext['db'], filter: SampleFilter, limit: number) {
  let q = db
    .selectFrom('monitor_samples')
    .selectAll()
    .where('onboarding_id', '=', filter.onboardingId)
    .where('monitor_id', '=', filter.monitorId);
  if (filter.since !== undefined) q = q.where('at', '>=', isoTime(filter.since, 'since'));
  if (filter.until !== undefined) q = q.where('at', '<', isoTime(filter.until, 'until'));
  return q.orderBy('at', 'desc').limit(limit);
}

/** Monitor executions: samples, hourly roll-ups, detector states, retention. */
export function monitorRepository(ctx: StoreContext) {
  return {
    /**
     * Stores a batch of executions in ONE transaction: every sample (but those marked sampleStored), the
     * roll-ups they add to (an additive upsert) and the states given. A state whose `expectedVersion` no longer holds is not written and is
     * reported in `conflicts` (its sample is stored: it happened). Not audited.
     */
    async record(batch: readonly MonitorRecord[]): Promise<{ stored: number; conflicts: StateConflict[] }> {
      if (batch.length === 0) return { stored: 0, conflicts: [] };
      const fresh = batch.filter((r) => r.sampleStored !== true);
      const samples = fresh.map((r) => sampleRow(r.onboardingId, r.sample));
      const rollups = rollupRows(fresh);
      const now = ctx.now().toISOString();
      const conflicts = await ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < samples.length; i += CHUNK)
          await trx
            .insertInto('monitor_samples')
            .values(samples.slice(i, i + CHUNK))
            .execute();
        if (rollups.length > 0) await upsertRollups(trx, rollups);
        return writeStates(trx, now, batch);
      });
      return { stored: samples.length, conflicts };
    },

    /** A monitor's samples at or after `since` (and before `until`), newest first, at most `limit` (1..5000, default 100). */
    async samples(filter: SampleFilter): Promise<StoredSample[]> {
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 5000);
      const rows = await sampleListQuery(ctx.db, filter, limit).execute();
      return rows.map(toSample);
    },

    /** A monitor's hourly roll-ups from `since` to before `until`, oldest first. */
    async rollups(filter: {
      onboardingId: string;
      monitorId: string;
      since?: string | number;
      until?: string | number;
    }): Promise<MonitorRollup[]> {
      let q = ctx.db
        .selectFrom('monitor_rollups')
        .selectAll()
        .where('onboarding_id', '=', filter.onboardingId)
        .where('monitor_id', '=', filter.monitorId);
      if (filter.since !== undefined) q = q.where('bucket', '>=', hourOf(filter.since));
      if (filter.until !== undefined) q = q.where('bucket', '<', isoTime(filter.until, 'until'));
      return (await q.orderBy('bucket').limit(10_000).execute()).map(toRollup);
    },

    /** The detectors' state of one monitor, if any has been written. */
    async state(onboardingId: string, monitorId: string): Promise<MonitorState | undefined> {
      const row = await ctx.db
        .selectFrom('monitor_states')
        .selectAll()
        .where('onboarding_id', '=', onboardingId)
        .where('monitor_id', '=', monitorId)
        .executeTakeFirst();
      return row && toState(row);
    },

    /** Every monitor state of an onboarding (for rescheduling after a restart). */
    async states(onboardingId: string): Promise<MonitorState[]> {
      const rows = await ctx.db
        .selectFrom('monitor_states')
        .selectAll()
        .where('onboarding_id', '=', onboardingId)
        .orderBy('monitor_id')
        .execute();
      return rows.map(toState);
    },

    /**
     * Retention: deletes samples older than `samplesOlderThanDays` and roll-ups older than
     * `rollupsOlderThanDays` (default 400: roll-ups are kept much longer). Each deletion is audited.
     */
    async prune(
      input: { samplesOlderThanDays: number; rollupsOlderThanDays?: number } & Actor,
    ): Promise<{ samples: number; rollups: number }> {
      const samples = await pruneOlderThan(
        ctx,
        {
          action: 'monitor-samples.pruned',
          subject: 'monitor_samples',
          remove: async (trx, before) =>
            (await trx.deleteFrom('monitor_samples').where('at', '<', before).executeTakeFirst())
              .numDeletedRows,
        },
        { olderThanDays: input.samplesOlderThanDays, actor: input.actor },
      );
      const rollups = await pruneOlderThan(
        ctx,
        {
          action: 'monitor-rollups.pruned',
          subject: 'monitor_rollups',
          remove: async (trx, before) =>
            (await trx.deleteFrom('monitor_rollups').where('bucket', '<', before).executeTakeFirst())
              .numDeletedRows,
        },
        { olderThanDays: input.rollupsOlderThanDays ?? 400, actor: input.actor },
      );
      return { samples: samples.deleted, rollups: rollups.deleted };
    },
  };
}

/** The hour holding an instant, so a `since` inside an hour includes that hour's roll-up. */
function hourOf(value: string | number): string {
  const ms = Date.parse(isoTime(value, 'since'));
  return new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString();
}

export type MonitorRepository = ReturnType<typeof monitorRepository>;
