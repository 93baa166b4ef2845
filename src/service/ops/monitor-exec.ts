import type { LookupFunction } from 'node:net';
import { checkKindsByName } from '../../checks/index.js';
import { errorMessage } from '../../core/errors.js';
import type { MonitorConfig, MonitorSample } from '../../core/ops/types.js';
import type { CheckResult } from '../../core/result.js';
import { createResolver, mapSecretSource } from '../../playbook/secrets.js';
import { type PreparedTarget, prepareTarget } from '../../runner/prepare.js';
import { runStage } from '../../runner/run-stage.js';
import type { Store } from '../../store/index.js';
import { declaredHosts } from '../executor.js';
import { partnerSecrets } from '../partner-secrets.js';
import type { LoadedVersion } from '../playbooks.js';

export interface MonitorExecDeps {
  store: Store;
  version: string;
  /** Builds the outbound guard (SSRF) for the hosts a playbook's environments resolve to. */
  outbound?: (hosts: string[]) => { lookup: LookupFunction; checkUrl(url: string): Promise<void> };
  /** How long a prepared target (resolved secrets, pooled connections) is reused (default 60 s). */
  targetTtlMs?: number;
  now(): number;
}

interface CachedTarget {
  target: Promise<PreparedTarget>;
  expires: number;
}

/**
 * Runs one monitor's check with the same engine as a stage run and reduces the result to a sample.
 * Targets are cached per onboarding, playbook version and environment for a short while: a monitor
 * every few seconds reuses its connections and resolved secrets, and a changed secret is picked up
 * within the TTL.
 */
export class MonitorExecutor {
  readonly #targets = new Map<string, CachedTarget>();

  constructor(private readonly deps: MonitorExecDeps) {}

  /** Executes the monitor; a target that cannot be prepared (missing secret, refused address) is an errored sample. */
  async execute(
    onboarding: { id: string; partnerId: string },
    loaded: LoadedVersion,
    monitor: MonitorConfig,
    signal: AbortSignal,
  ): Promise<MonitorSample> {
    const started = this.deps.now();
    let target: PreparedTarget;
    try {
      target = await this.#target(onboarding, loaded, monitor.environment);
    } catch (error) {
      return errored(monitor, started, this.deps.now(), 'monitor.target', errorMessage(error));
    }
    const { playbook, spec } = loaded;
    const report = await runStage({
      playbook,
      stage: {
        id: `monitor:${monitor.id}`,
        environment: monitor.environment,
        checks: [
          {
            id: monitor.id,
            kind: monitor.check.kind,
            required: true,
            timeoutMs: monitor.check.timeoutMs,
            options: monitor.check.options,
            baseDir: playbook.baseDir,
          },
        ],
        signoff: [],
      },
      environment: target.environment,
      ...(spec && { spec }),
      kinds: checkKindsByName,
      http: target.http,
      redactor: target.redactor,
      baseDir: playbook.baseDir,
      seed: Math.floor(Math.random() * 2 ** 31),
      concurrency: 1,
      signal,
      listeners: [],
      version: this.deps.version,
    });
    const result = report.checks[0];
    if (!result)
      return errored(monitor, started, this.deps.now(), 'monitor.no-result', 'the check produced no result');
    return sampleOf(monitor, result, this.deps.now());
  }

  async #target(onboarding: { id: string; partnerId: string }, loaded: LoadedVersion, environment: string) {
    const key = `${onboarding.id}\0${loaded.version.id}\0${environment}`;
    const now = this.deps.now();
    const cached = this.#targets.get(key);
    if (cached && cached.expires > now) return cached.target;
    if (cached) void cached.target.then((t) => t.http.close()).catch(() => undefined);
    const target = (async () => {
      const secrets = await partnerSecrets(this.deps.store, onboarding.partnerId);
      const resolver = createResolver(mapSecretSource(secrets), Object.fromEntries(secrets));
      const guard = this.deps.outbound?.(declaredHosts(loaded.playbook, resolver));
      const prepared = await prepareTarget(loaded.playbook, environment, {
        resolver,
        version: this.deps.version,
        allowFiles: false,
        ...(guard && { lookup: guard.lookup }),
      });
      if (guard) await guard.checkUrl(prepared.environment.baseUrl);
      return prepared;
    })();
    this.#targets.set(key, { target, expires: now + (this.deps.targetTtlMs ?? 60_000) });
    target.catch(() => this.#targets.delete(key));
    return target;
  }

  /** Closes every cached client. */
  async close(): Promise<void> {
    const all = [...this.#targets.values()];
    this.#targets.clear();
    await Promise.all(all.map((c) => c.target.then((t) => t.http.close()).catch(() => undefined)));
  }
}

function errored(
  monitor: MonitorConfig,
  started: number,
  at: number,
  code: string,
  message: string,
): MonitorSample {
  return {
    monitorId: monitor.id,
    environment: monitor.environment,
    at,
    outcome: 'errored',
    durationMs: at - started,
    measurements: {},
    findings: [],
    error: { code, message },
  };
}

/** A check result reduced to what detectors read (evidence stays out: samples are many). */
export function sampleOf(monitor: MonitorConfig, result: CheckResult, at: number): MonitorSample {
  return {
    monitorId: monitor.id,
    environment: monitor.environment,
    at,
    outcome: result.outcome,
    durationMs: result.durationMs,
    measurements: result.measurements,
    findings: result.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      ...(f.operation !== undefined && { operation: f.operation }),
      ...(f.pointer !== undefined && { pointer: f.pointer }),
    })),
    ...(result.error && { error: result.error }),
  };
}
