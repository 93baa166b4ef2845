import type { Delivery } from '../../store/index.js';
import type { DrillRun } from './drill.js';
import type { ObservedNotification } from './drill-observe.js';

/** One scored expectation of a drill. */
export interface Expectation {
  id: 'healthy' | 'injected' | 'detected' | 'notified' | 'escalated' | 'recovered' | 'once' | 'marked';
  name: string;
  /** The target, for people ("≤ 6.2s", "10.0s ± 1.00s"). */
  target: string;
  /** What was measured ("4.1s", "not seen"). */
  measured: string;
  pass: boolean;
  detail?: string;
}

/** The scored drill: every expectation, and how many passed. */
export interface DrillScore {
  expectations: Expectation[];
  passed: number;
  total: number;
  /** 0..100, rounded. */
  percent: number;
  pass: boolean;
}

/** Scores what a drill measured against its plan's targets. */
export function scoreDrill(run: DrillRun): DrillScore {
  const { plan } = run;
  const t = plan.targets;
  const out: Expectation[] = [];
  out.push({
    id: 'healthy',
    name: 'no incident before the fault',
    target: 'none',
    measured: run.openBeforeFault ?? 'none',
    pass: run.openBeforeFault === undefined,
    ...(run.openBeforeFault && { detail: 'the environment was failing before the drill injected anything' }),
  });
  if (run.problem) {
    out.push({
      id: 'injected',
      name: `fault injected (${plan.fault.label})`,
      target: 'injected',
      measured: 'failed',
      pass: false,
      detail: run.problem,
    });
    return total(out);
  }
  const incident = run.view?.incident;
  const triggeredAt = incident ? Date.parse(incident.openedAt) : undefined;
  const detectMs = triggeredAt !== undefined ? triggeredAt - run.faultAt : undefined;
  out.push({
    id: 'detected',
    name: `detector ${plan.detector.id} fired and an incident opened`,
    target: `≤ ${seconds(t.detectMs)}`,
    measured: detectMs === undefined ? 'no incident' : seconds(detectMs),
    pass: detectMs !== undefined && detectMs <= t.detectMs && incident?.detectorId === plan.detector.id,
    ...(detectMs === undefined && {
      detail: `the detector never fired within ${seconds(2 * t.detectMs + 5_000)}: is the fault reaching the monitors?`,
    }),
  });
  const notes = run.view?.notifications ?? [];
  const level1 = plan.policy?.levels[0]?.notify ?? [];
  out.push(notified(level1, notes, run.view?.deliveries ?? [], triggeredAt, t.notifyMs));
  if (t.escalateMs !== undefined) {
    const level2 = plan.policy?.levels[1]?.notify ?? [];
    out.push(escalated(level2, notes, triggeredAt, t.escalateMs, t.toleranceMs));
  }
  const recoverMs =
    run.recoveredAt !== undefined && run.clearedAt !== undefined
      ? run.recoveredAt - run.clearedAt
      : undefined;
  const resolved = incident?.status === 'resolved';
  out.push({
    id: 'recovered',
    name: plan.detector.autoResolve
      ? 'fault cleared → recovered and auto-resolved'
      : 'fault cleared → recovered',
    target: `≤ ${seconds(t.recoverMs)}`,
    measured: recoverMs === undefined ? 'not recovered' : seconds(recoverMs),
    pass: recoverMs !== undefined && recoverMs <= t.recoverMs && (resolved || !plan.detector.autoResolve),
    ...(run.clearError && { detail: `the fault could not be cleared: ${run.clearError}` }),
  });
  const keys = [
    ...notes.filter((n) => n.ok).map((n) => n.deliveryKey),
    ...(run.captured ?? []).map((c) => `captured:${c.deliveryKey}`),
  ];
  const twice = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  out.push({
    id: 'once',
    name: 'nothing delivered twice',
    target: '0 duplicates',
    measured: `${twice.length} duplicate(s) in ${notes.filter((n) => n.ok).length} deliveries`,
    pass: twice.length === 0,
    ...(twice.length > 0 && { detail: `delivered more than once: ${twice.join(', ')}` }),
  });
  const unmarked = [
    ...(incident && !incident.title.startsWith('DRILL') ? [`incident title "${incident.title}"`] : []),
    ...(run.captured ?? [])
      .filter((c) => !c.text.includes('DRILL'))
      .map((c) => `${c.event} to ${c.notifier}`),
  ];
  if (incident) {
    out.push({
      id: 'marked',
      name: 'every title and payload says DRILL',
      target: 'all',
      measured: unmarked.length === 0 ? 'all' : `${unmarked.length} unmarked`,
      pass: unmarked.length === 0,
      ...(unmarked.length > 0 && { detail: unmarked.join('; ') }),
    });
  }
  return total(out);
}

function notified(
  targets: readonly string[],
  notes: readonly ObservedNotification[],
  deliveries: readonly Delivery[],
  triggeredAt: number | undefined,
  targetMs: number,
): Expectation {
  const base = {
    id: 'notified' as const,
    name: `level 1 notified (${targets.join(', ')})`,
    target: `≤ ${seconds(targetMs)}`,
  };
  if (triggeredAt === undefined) return { ...base, measured: 'no incident', pass: false };
  const firsts = targets.map((name) =>
    notes.find((n) => n.notifier === name && n.event === 'triggered' && n.level === 1),
  );
  const missing = targets.filter((_, i) => !firsts[i]);
  const failed = firsts.filter((n) => n && !n.ok);
  const slowest = Math.max(0, ...firsts.map((n) => (n ? n.at - triggeredAt : 0)));
  const problems = [
    ...missing.map((m) => {
      const d = deliveries.find((x) => x.notifier === m && x.event === 'triggered');
      return `${m}: ${d ? `${d.status}${d.lastError ? ` (${d.lastError})` : ''}` : 'no delivery'}`;
    }),
    ...failed.map((n) => `${n?.notifier}: ${n?.message}`),
  ];
  return {
    ...base,
    measured: missing.length === targets.length ? 'not notified' : seconds(slowest),
    pass: problems.length === 0 && slowest <= targetMs,
    ...(problems.length > 0 && { detail: problems.join('; ') }),
  };
}

function escalated(
  targets: readonly string[],
  notes: readonly ObservedNotification[],
  triggeredAt: number | undefined,
  dueMs: number,
  toleranceMs: number,
): Expectation {
  const base = {
    id: 'escalated' as const,
    name: `unacknowledged → level 2 notified once at its deadline (${targets.join(', ')})`,
    target: `${seconds(dueMs)} ± ${seconds(toleranceMs)}`,
  };
  if (triggeredAt === undefined) return { ...base, measured: 'no incident', pass: false };
  const level2 = notes.filter((n) => n.event === 'escalated' && n.level === 2 && n.round === 1);
  const problems: string[] = [];
  const offsets: number[] = [];
  for (const name of targets) {
    const mine = level2.filter((n) => n.notifier === name);
    const first = mine[0];
    if (!first) problems.push(`${name}: not notified`);
    else if (!first.ok) problems.push(`${name}: ${first.message}`);
    else offsets.push(first.at - triggeredAt);
    if (mine.length > 1) problems.push(`${name}: notified ${mine.length} times`);
  }
  // The delivery furthest from the deadline is the one judged.
  const worst = offsets.reduce<number | undefined>(
    (w, o) => (w === undefined || Math.abs(o - dueMs) > Math.abs(w - dueMs) ? o : w),
    undefined,
  );
  return {
    ...base,
    measured: worst === undefined ? 'not notified' : seconds(worst),
    pass: problems.length === 0 && worst !== undefined && Math.abs(worst - dueMs) <= toleranceMs,
    ...(problems.length > 0 && { detail: problems.join('; ') }),
  };
}

function total(expectations: Expectation[]): DrillScore {
  const passed = expectations.filter((e) => e.pass).length;
  return {
    expectations,
    passed,
    total: expectations.length,
    percent: Math.round((100 * passed) / Math.max(1, expectations.length)),
    pass: passed === expectations.length,
  };
}

/** Milliseconds as seconds for reports: 4.12s. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
