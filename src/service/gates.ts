import { evaluateGate } from '../core/gate.js';
import type { CheckResult } from '../core/result.js';
import type { Onboarding, Run, StoredCheckResult } from '../store/index.js';
import { ApiError } from './errors.js';
import { freshnessMs, type PlaybookVersions } from './playbooks.js';
import type { ServiceContext } from './types.js';

const VERDICTS = new Set(['passed', 'failed', 'errored']);

export interface StageGate {
  onboardingId: string;
  stage: string;
  verdict: 'open' | 'blocked';
  reasons: string[];
  notes: string[];
  run: { id: string; finishedAt: string | null; evidenceHash: string | null } | null;
  freshUntil: string | null;
  checks: ReturnType<typeof evaluateGate>['checks'];
  signoffs: { required: string[]; pending: string[] };
  next: string | null;
}

/**
 * A stage's gate in the service: the latest finished run of the stage on the onboarding's current
 * playbook version is the evidence; it must be fresh, its required checks passed (or be waived by an
 * unexpired, unrevoked waiver), and every required sign-off role must have signed that evidence.
 */
export async function stageGate(
  ctx: ServiceContext,
  versions: PlaybookVersions,
  onboarding: Onboarding,
  stageId: string,
): Promise<StageGate> {
  const { playbook } = await versions.get(onboarding.playbookVersionId);
  const index = playbook.stages.findIndex((s) => s.id === stageId);
  const stage = playbook.stages[index];
  if (!stage) {
    throw new ApiError(404, 'stage.not-found', `stage ${stageId} is not in playbook ${playbook.playbook}`);
  }
  const now = ctx.now();
  const run = await latestVerdict(ctx, onboarding, stageId);
  const results: StoredCheckResult[] = run ? await ctx.store.results.ofRun(run.id) : [];
  const signedBy = run?.evidenceHash
    ? await ctx.store.signoffs.rolesSigned(onboarding.id, stageId, run.evidenceHash)
    : [];
  const waivers = await ctx.store.waivers.activeFor(onboarding.id, stageId);
  const gate = evaluateGate({
    stageId,
    results: results.map(asCheckResult),
    requiredSignoffs: stage.signoff,
    signedBy,
    waivers,
    declared: stage.checks.map((c) => ({ id: c.id, required: c.required })),
    now,
  });
  const reasons = [...gate.reasons];
  const windowMs = freshnessMs(stage, ctx.config.defaultFreshnessMs);
  const freshUntil = run?.finishedAt ? new Date(Date.parse(run.finishedAt) + windowMs).toISOString() : null;
  if (!run) {
    reasons.unshift(`no finished run of stage ${stageId} on the current playbook version yet`);
  } else if (freshUntil && Date.parse(freshUntil) <= now.getTime()) {
    reasons.unshift(
      `the latest run (${run.id}) finished at ${run.finishedAt}, older than the stage's freshness window`,
    );
  }
  return {
    onboardingId: onboarding.id,
    stage: stageId,
    verdict: reasons.length === 0 ? 'open' : 'blocked',
    reasons,
    notes: gate.notes,
    run: run ? { id: run.id, finishedAt: run.finishedAt, evidenceHash: run.evidenceHash } : null,
    freshUntil,
    checks: gate.checks,
    signoffs: { required: gate.signoffs.required, pending: gate.signoffs.pending },
    next: playbook.stages[index + 1]?.id ?? null,
  };
}

/** The newest run of the stage that reached a verdict on the onboarding's current playbook version. */
async function latestVerdict(
  ctx: ServiceContext,
  onboarding: Onboarding,
  stage: string,
): Promise<Run | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const { items, nextCursor } = await ctx.store.runs.list({
      onboardingId: onboarding.id,
      stage,
      limit: 50,
      ...(cursor && { cursor }),
    });
    const found = items.find(
      (r) => r.playbookVersionId === onboarding.playbookVersionId && VERDICTS.has(r.status) && r.finishedAt,
    );
    if (found) return found;
    if (!nextCursor) return undefined;
    cursor = nextCursor;
  }
  return undefined;
}

function asCheckResult(r: StoredCheckResult): CheckResult {
  return {
    id: r.checkId,
    kind: r.kind,
    title: r.title,
    required: r.required,
    outcome: r.outcome,
    summary: r.summary,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    findings: r.findings,
    measurements: r.measurements,
    thresholds: r.thresholds,
    samples: [],
    exchanges: [],
    ...(r.error && { error: r.error }),
  };
}
