import type { Onboarding, Run, StoredCheckResult } from '../store/index.js';
import { notFound } from './errors.js';
import type { Principal, ServiceContext } from './types.js';

// Partner scope. A partner token sees only its own partner's resources; anything else answers 404
// exactly as if it did not exist, so a partner cannot even learn which ids exist.

/** The partner filter for listings: the caller's partner, or the one asked for by staff. */
export function partnerFilter(principal: Principal, asked?: string): string | undefined {
  if (principal.role === 'partner') return principal.partnerId ?? '\u0000none';
  return asked;
}

export function canSeePartner(principal: Principal, partnerId: string): boolean {
  return principal.role !== 'partner' || principal.partnerId === partnerId;
}

export async function visibleOnboarding(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
): Promise<Onboarding> {
  const onboarding = await ctx.store.onboardings.get(id);
  if (!onboarding || !canSeePartner(principal, onboarding.partnerId)) throw notFound('onboarding', id);
  return onboarding;
}

export async function visibleRun(ctx: ServiceContext, principal: Principal, id: string): Promise<Run> {
  const run = await ctx.store.runs.get(id);
  if (!run || !canSeePartner(principal, run.partnerId)) throw notFound('run', id);
  return run;
}

export async function visibleResult(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
): Promise<StoredCheckResult> {
  const result = await ctx.store.results.get(id);
  if (!result || !canSeePartner(principal, result.partnerId)) throw notFound('result', id);
  return result;
}
