import { percentile } from '../core/stats.js';
import type { StoreContext } from './context.js';

/** Distribution of durations in milliseconds (undefined fields when there is no sample). */
export interface DurationStats {
  count: number;
  p50Ms?: number;
  p90Ms?: number;
  maxMs?: number;
}

export interface OnboardingMetrics {
  timeToFirstSuccess: DurationStats & {
    /** Onboardings without a passing sandbox run yet. */
    pending: number;
    perOnboarding: {
      onboardingId: string;
      partnerId: string;
      startedAt: string;
      firstSuccessAt: string | null;
      ms: number | null;
    }[];
  };
  /** Time spent in each stage, from entering it to the transition out (stages left only). */
  stageDurations: ({ stage: string } & DurationStats)[];
  /** Finished runs per stage: passed / (passed + failed + errored); interrupted runs are not verdicts. */
  passRates: { stage: string; passed: number; finished: number; rate: number | null }[];
  /** Check outcomes across stored results. */
  checkPassRates: { checkId: string; passed: number; total: number; rate: number | null }[];
  waivers: { open: number; expiringWithin7Days: number };
}

export interface MetricsOptions {
  /** Limit to one partner (a partner token's view). */
  partnerId?: string;
  /** Environments whose passing runs count as "first success" (default: sandbox). */
  sandboxEnvironments?: readonly string[];
}

function stats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    maxMs: sorted.at(-1)!,
  };
}

const DAY = 86_400_000;

/** Onboarding metrics: time to first success, stage durations, pass rates, open waivers. */
export async function onboardingMetrics(
  ctx: StoreContext,
  options: MetricsOptions = {},
): Promise<OnboardingMetrics> {
  const sandbox = options.sandboxEnvironments ?? ['sandbox'];
  const partnerId = options.partnerId;
  const now = ctx.now();

  let onboardingsQ = ctx.db.selectFrom('onboardings').select(['id', 'partner_id', 'started_at']);
  if (partnerId !== undefined) onboardingsQ = onboardingsQ.where('partner_id', '=', partnerId);
  const onboardings = await onboardingsQ.orderBy('started_at').orderBy('id').execute();

  let firstQ = ctx.db
    .selectFrom('runs')
    .select((eb) => ['onboarding_id', eb.fn.min('finished_at').as('first')])
    .where('status', '=', 'passed')
    .groupBy('onboarding_id');
  firstQ =
    sandbox.length > 0
      ? firstQ.where('environment', 'in', [...sandbox])
      : firstQ.where('environment', 'is', null);
  if (partnerId !== undefined) firstQ = firstQ.where('partner_id', '=', partnerId);
  const first = new Map((await firstQ.execute()).map((r) => [r.onboarding_id, r.first as string | null]));

  const perOnboarding = onboardings.map((o) => {
    const at = first.get(o.id) ?? null;
    return {
      onboardingId: o.id,
      partnerId: o.partner_id,
      startedAt: o.started_at,
      firstSuccessAt: at,
      ms: at === null ? null : Date.parse(at) - Date.parse(o.started_at),
    };
  });
  const successes = perOnboarding.flatMap((o) => (o.ms === null ? [] : [o.ms]));

  let transQ = ctx.db
    .selectFrom('transitions')
    .innerJoin('onboardings', 'onboardings.id', 'transitions.onboarding_id')
    .select([
      'transitions.onboarding_id',
      'transitions.from_stage',
      'transitions.at',
      'onboardings.started_at',
    ]);
  if (partnerId !== undefined) transQ = transQ.where('onboardings.partner_id', '=', partnerId);
  const transitions = await transQ.orderBy('transitions.onboarding_id').orderBy('transitions.at').execute();
  const byStage = new Map<string, number[]>();
  let lastOnboarding = '';
  let enteredAt = '';
  for (const t of transitions) {
    // A stage is entered when the onboarding starts (the first) or at the previous transition (the next ones).
    if (t.onboarding_id !== lastOnboarding) {
      lastOnboarding = t.onboarding_id;
      enteredAt = t.started_at;
    }
    if (t.from_stage !== null) {
      const list = byStage.get(t.from_stage) ?? [];
      list.push(Date.parse(t.at) - Date.parse(enteredAt));
      byStage.set(t.from_stage, list);
    }
    enteredAt = t.at;
  }

  let passQ = ctx.db
    .selectFrom('runs')
    .select((eb) => ['stage', 'status', eb.fn.countAll().as('n')])
    .where('status', 'in', ['passed', 'failed', 'errored'])
    .groupBy(['stage', 'status']);
  if (partnerId !== undefined) passQ = passQ.where('partner_id', '=', partnerId);
  const passCounts = new Map<string, { passed: number; finished: number }>();
  for (const r of await passQ.execute()) {
    const entry = passCounts.get(r.stage) ?? { passed: 0, finished: 0 };
    const n = Number(r.n);
    entry.finished += n;
    if (r.status === 'passed') entry.passed += n;
    passCounts.set(r.stage, entry);
  }

  let checkQ = ctx.db
    .selectFrom('check_results')
    .select((eb) => ['check_id', 'outcome', eb.fn.countAll().as('n')])
    .where('outcome', '!=', 'skipped')
    .groupBy(['check_id', 'outcome']);
  if (partnerId !== undefined) checkQ = checkQ.where('partner_id', '=', partnerId);
  const checkCounts = new Map<string, { passed: number; total: number }>();
  for (const r of await checkQ.execute()) {
    const entry = checkCounts.get(r.check_id) ?? { passed: 0, total: 0 };
    const n = Number(r.n);
    entry.total += n;
    if (r.outcome === 'passed' || r.outcome === 'warned') entry.passed += n;
    checkCounts.set(r.check_id, entry);
  }

  let waiverQ = ctx.db
    .selectFrom('waivers')
    .select('expires_at')
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString());
  if (partnerId !== undefined) {
    waiverQ = waiverQ.where('onboarding_id', 'in', (eb) =>
      eb.selectFrom('onboardings').select('id').where('partner_id', '=', partnerId),
    );
  }
  const open = await waiverQ.execute();
  const soon = new Date(now.getTime() + 7 * DAY).toISOString();

  const rate = (a: number, b: number): number | null => (b === 0 ? null : a / b);
  return {
    timeToFirstSuccess: {
      ...stats(successes),
      pending: perOnboarding.length - successes.length,
      perOnboarding,
    },
    stageDurations: [...byStage]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stage, v]) => ({ stage, ...stats(v) })),
    passRates: [...passCounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stage, c]) => ({ stage, ...c, rate: rate(c.passed, c.finished) })),
    checkPassRates: [...checkCounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([checkId, c]) => ({ checkId, ...c, rate: rate(c.passed, c.total) })),
    waivers: { open: open.length, expiringWithin7Days: open.filter((w) => w.expires_at <= soon).length },
  };
}
