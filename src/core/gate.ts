import type { CheckResult, Outcome } from './result.js';

/** A written, attributed, expiring exception for one check of a stage. */
export interface Waiver {
  checkId: string;
  reason: string;
  approver: string;
  expiresAt: string;
}

export interface GateInput {
  stageId: string;
  results: readonly CheckResult[];
  requiredSignoffs: readonly string[];
  /** Roles that signed this evidence; undefined when sign-offs are not evaluated here (standalone CLI). */
  signedBy?: readonly string[];
  waivers?: readonly Waiver[];
  /** Checks the stage declares; a required check without a result blocks (no evidence). */
  declared?: readonly { id: string; required: boolean }[];
  now: Date;
}

export interface GateCheckLine {
  checkId: string;
  required: boolean;
  outcome: Outcome | 'missing';
  /** True when this check keeps the gate closed. */
  blocking: boolean;
  waivedBy?: Waiver;
}

export interface GateVerdict {
  stageId: string;
  verdict: 'open' | 'blocked';
  /** Why the gate is blocked (empty when open), one readable sentence each. */
  reasons: string[];
  /** Things worth knowing that do not block: warnings, optional failures, waivers used. */
  notes: string[];
  checks: GateCheckLine[];
  signoffs: { required: string[]; pending: string[]; evaluated: boolean };
}

const BLOCKING: ReadonlySet<Outcome | 'missing'> = new Set(['failed', 'errored', 'skipped', 'missing']);

/** Decides whether a stage's gate is open from its results, sign-offs and waivers. Pure. */
export function evaluateGate(input: GateInput): GateVerdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const byId = new Map(input.results.map((r) => [r.id, r]));
  const declared = input.declared ?? input.results.map((r) => ({ id: r.id, required: r.required }));
  const checks: GateCheckLine[] = [];

  for (const { id, required } of declared) {
    const result = byId.get(id);
    const outcome: Outcome | 'missing' = result ? result.outcome : 'missing';
    const line: GateCheckLine = { checkId: id, required, outcome, blocking: false };
    if (BLOCKING.has(outcome)) {
      const waiver = activeWaiver(input.waivers, id, input.now);
      if (!required) {
        notes.push(`optional check ${id} ${describe(outcome)}`);
      } else if (waiver) {
        line.waivedBy = waiver;
        notes.push(
          `${id} ${describe(outcome)} but is waived until ${waiver.expiresAt} by ${waiver.approver}: ${waiver.reason}`,
        );
      } else {
        line.blocking = true;
        reasons.push(`required check ${id} ${describe(outcome)}${summaryOf(result)}`);
      }
    } else if (outcome === 'warned') {
      notes.push(`${id} passed with warnings${summaryOf(result)}`);
    }
    checks.push(line);
  }

  const required = [...input.requiredSignoffs];
  const evaluated = input.signedBy !== undefined;
  const signed = new Set(input.signedBy ?? []);
  const pending = required.filter((role) => !signed.has(role));
  if (evaluated && pending.length > 0) {
    reasons.push(`waiting for sign-off by ${pending.join(', ')}`);
  } else if (!evaluated && pending.length > 0) {
    notes.push(`sign-off still required from ${pending.join(', ')} (recorded by the Gangway service)`);
  }

  return {
    stageId: input.stageId,
    verdict: reasons.length === 0 ? 'open' : 'blocked',
    reasons,
    notes,
    checks,
    signoffs: { required, pending, evaluated },
  };
}

function activeWaiver(
  waivers: readonly Waiver[] | undefined,
  checkId: string,
  now: Date,
): Waiver | undefined {
  return waivers?.find((w) => w.checkId === checkId && Date.parse(w.expiresAt) > now.getTime());
}

function describe(outcome: Outcome | 'missing'): string {
  switch (outcome) {
    case 'missing':
      return 'has no result';
    case 'skipped':
      return 'was skipped, so there is no evidence';
    case 'errored':
      return 'could not run (errored)';
    default:
      return outcome;
  }
}

function summaryOf(result: CheckResult | undefined): string {
  return result?.summary ? `: ${result.summary}` : '';
}
