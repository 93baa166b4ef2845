import { randomUUID } from 'node:crypto';
import type { CheckContext, CheckKind, OtherEnvironment, TargetEnvironment } from '../checks/kind.js';
import { formatDuration } from '../core/duration.js';
import { CancelledError, errorMessage, GangwayError } from '../core/errors.js';
import { evaluateGate } from '../core/gate.js';
import { type CheckReport, type CheckResult, OUTCOMES, type Outcome, outcomeOf } from '../core/result.js';
import type { HttpClient } from '../http/client.js';
import type { Redactor } from '../http/redact.js';
import type { ApiSpec } from '../openapi/types.js';
import type { CheckEntry, Flow, Playbook, Stage, Targets } from '../playbook/schema.js';
import type { RunEvent, RunInfo, RunListener, RunReport } from './events.js';
import { runBounded } from './pool.js';

export interface RunStageOptions {
  playbook?: Playbook;
  stage: Stage;
  environment?: TargetEnvironment;
  spec?: ApiSpec;
  kinds: ReadonlyMap<string, CheckKind>;
  http: HttpClient;
  redactor: Redactor;
  /** Prepares another environment by name for checks that compare environments; the run closes its clients. */
  otherEnvironment?: (name: string) => Promise<OtherEnvironment>;
  flows?: Readonly<Record<string, Flow>>;
  targets?: Targets;
  baseDir: string;
  seed: number;
  /** Checks run at the same time (default 2). */
  concurrency?: number;
  /** Aborting it (Ctrl-C) stops the run; a partial report is still produced. */
  signal?: AbortSignal;
  listeners: readonly RunListener[];
  now?: () => Date;
  version: string;
}

/** Runs a stage's checks, evaluates its gate and returns the report; every step is also emitted as an event. */
export async function runStage(options: RunStageOptions): Promise<RunReport> {
  const now = options.now ?? (() => new Date());
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: RunEvent) => {
    for (const listener of options.listeners) listener(event);
  };
  const started = now();
  const info = runInfo(options);
  emit({ type: 'run.started', at: started.toISOString(), run: info });

  const results = new Map<string, CheckResult>();
  const others = otherEnvironments(options.otherEnvironment);
  try {
    await runBounded(
      options.stage.checks,
      options.concurrency ?? 2,
      async (entry) => {
        const result = signal.aborted
          ? notRun(entry, options, now(), 'not run: the run was interrupted')
          : await runCheck(entry, options, others.get, signal, emit, now);
        results.set(entry.id, result);
        emit({ type: 'check.finished', at: now().toISOString(), result });
      },
      (entry) => options.kinds.get(entry.kind)?.runsAlone === true,
    );
  } finally {
    await others.close();
  }

  const checks = options.stage.checks.map((entry) => results.get(entry.id)!);
  const gate = evaluateGate({
    stageId: options.stage.id,
    results: checks,
    requiredSignoffs: options.stage.signoff,
    declared: options.stage.checks.map((c) => ({ id: c.id, required: c.required })),
    now: now(),
  });
  emit({ type: 'gate.evaluated', at: now().toISOString(), gate });

  const finished = now();
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const c of checks) counts[c.outcome] += 1;
  const report: RunReport = {
    formatVersion: 1,
    tool: { name: 'gangway', version: options.version },
    run: info,
    outcome: signal.aborted ? 'cancelled' : gate.verdict === 'open' ? 'passed' : 'failed',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    interrupted: signal.aborted,
    gate,
    checks,
    counts,
  };
  emit({ type: 'run.finished', at: finished.toISOString(), report });
  return report;
}

/** Prepares each other environment once per run, shared by the checks that ask, and closes their clients at the end. */
function otherEnvironments(factory: RunStageOptions['otherEnvironment']) {
  const prepared = new Map<string, Promise<OtherEnvironment>>();
  return {
    get: factory
      ? (name: string): Promise<OtherEnvironment> => {
          let pending = prepared.get(name);
          if (!pending) {
            pending = factory(name);
            prepared.set(name, pending);
          }
          return pending;
        }
      : undefined,
    async close(): Promise<void> {
      const settled = await Promise.allSettled(prepared.values());
      await Promise.allSettled(
        settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.http.close()] : [])),
      );
    },
  };
}

function runInfo(options: RunStageOptions): RunInfo {
  const { playbook, stage, environment, spec } = options;
  return {
    runId: randomUUID(),
    ...(playbook && {
      playbook: {
        name: playbook.playbook,
        version: playbook.version,
        title: playbook.title,
        file: playbook.file,
      },
    }),
    stage: { id: stage.id, title: stage.title },
    ...(environment && { environment: { name: environment.name, baseUrl: environment.baseUrl } }),
    ...(spec && {
      spec: { title: spec.title, version: spec.apiVersion, format: spec.format, source: spec.source },
    }),
    seed: options.seed,
    checks: stage.checks.map((c) => ({
      id: c.id,
      kind: c.kind,
      title: titleOf(c, options.kinds),
      required: c.required,
    })),
  };
}

function titleOf(entry: CheckEntry, kinds: ReadonlyMap<string, CheckKind>): string {
  if (entry.title) return entry.title;
  const kind = kinds.get(entry.kind);
  try {
    return kind ? kind.title(entry.options) : entry.kind;
  } catch {
    return entry.kind;
  }
}

async function runCheck(
  entry: CheckEntry,
  options: RunStageOptions,
  otherEnvironment: ((name: string) => Promise<OtherEnvironment>) | undefined,
  runSignal: AbortSignal,
  emit: (event: RunEvent) => void,
  now: () => Date,
): Promise<CheckResult> {
  const title = titleOf(entry, options.kinds);
  const started = now();
  emit({ type: 'check.started', at: started.toISOString(), checkId: entry.id, kind: entry.kind, title });
  const base = {
    id: entry.id,
    kind: entry.kind,
    title,
    required: entry.required,
    startedAt: started.toISOString(),
  };
  const kind = options.kinds.get(entry.kind);
  const missing = !kind
    ? `unknown check kind "${entry.kind}"`
    : kind.needsEnvironment && !options.environment
      ? `stage "${options.stage.id}" names no environment, and ${entry.kind} needs one`
      : kind.needsSpec && !options.spec
        ? `${entry.kind} needs the playbook's api.spec`
        : undefined;
  if (!kind || missing) {
    return finish(base, now, {
      outcome: 'errored',
      error: { code: 'check.unavailable', message: missing ?? '' },
    });
  }

  // A referenced timer, unlike AbortSignal.timeout(): a check stuck on a promise that nothing drives would
  // otherwise let the event loop drain and the process exit without a report.
  const budgetController = new AbortController();
  const timer = setTimeout(
    () => budgetController.abort(new CancelledError('time budget exceeded')),
    entry.timeoutMs,
  );
  const budget = budgetController.signal;
  const signal = AbortSignal.any([runSignal, budget]);
  const ctx: CheckContext = {
    checkId: entry.id,
    ...(options.environment && { environment: options.environment }),
    ...(options.spec && { spec: options.spec }),
    http: options.http,
    redactor: options.redactor,
    ...(otherEnvironment && { otherEnvironment }),
    flows: options.flows ?? options.playbook?.flows ?? {},
    ...((options.targets ?? options.playbook?.targets) && {
      targets: options.targets ?? options.playbook?.targets,
    }),
    seed: options.seed,
    baseDir: entry.baseDir ?? options.baseDir,
    progress: (message, done, total) =>
      emit({ type: 'check.progress', at: now().toISOString(), checkId: entry.id, message, done, total }),
    now,
  };
  try {
    const report = await raceAbort(kind.run(ctx, entry.options, signal), signal);
    return finish(base, now, { outcome: outcomeOf(report), report });
  } catch (error) {
    const message = budget.aborted
      ? `exceeded its time budget of ${formatDuration(entry.timeoutMs)}`
      : runSignal.aborted
        ? 'interrupted before it finished'
        : options.redactor.text(errorMessage(error));
    const code = budget.aborted
      ? 'check.timeout'
      : runSignal.aborted
        ? 'check.interrupted'
        : error instanceof GangwayError
          ? error.code
          : 'check.crashed';
    return finish(base, now, { outcome: 'errored', error: { code, message } });
  } finally {
    clearTimeout(timer);
  }
}

/** Settles as soon as the signal aborts even if the check ignores it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function finish(
  base: Pick<CheckResult, 'id' | 'kind' | 'title' | 'required' | 'startedAt'>,
  now: () => Date,
  done: { outcome: Outcome; report?: CheckReport; error?: { code: string; message: string } },
): CheckResult {
  const { report, error } = done;
  return {
    ...base,
    outcome: done.outcome,
    summary: report?.skipped ?? report?.summary ?? error?.message ?? '',
    durationMs: now().getTime() - Date.parse(base.startedAt),
    findings: report?.findings ?? [],
    measurements: report?.measurements ?? {},
    thresholds: report?.thresholds ?? [],
    samples: report?.samples ?? [],
    exchanges: report?.exchanges ?? [],
    ...(error && { error }),
  };
}

function notRun(entry: CheckEntry, options: RunStageOptions, at: Date, why: string): CheckResult {
  return finish(
    {
      id: entry.id,
      kind: entry.kind,
      title: titleOf(entry, options.kinds),
      required: entry.required,
      startedAt: at.toISOString(),
    },
    () => at,
    { outcome: 'skipped', report: { summary: why, findings: [], skipped: why } },
  );
}
