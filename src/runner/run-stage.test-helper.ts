// Fakes shared by the runner's tests: check kinds that only use their context, a client that never sends.
import { after } from 'node:test';
import { z } from 'zod';
import type { CheckContext, CheckKind, TargetEnvironment } from '../checks/kind.js';
import type { CheckReport } from '../core/result.js';
import { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import type { CheckEntry, Stage } from '../playbook/schema.js';
import type { RunEvent } from './events.js';
import { type RunStageOptions, runStage } from './run-stage.js';

// A real client that never sends a request: checks here are fakes that only use the context.
export const redactor = new Redactor({});
export const http = new HttpClient({ redactor, version: 'test' });
after(() => http.close());

export const CANARY = 'canary-s3cr3t-7f3a9c';
redactor.addSecret(CANARY);

export const options = z.object({ label: z.string().default('x') });
export type Options = z.output<typeof options>;
export type Run = (ctx: CheckContext, o: Options, signal: AbortSignal) => Promise<CheckReport>;

export function fakeKind(
  kind: string,
  run: Run,
  needs: Partial<Pick<CheckKind, 'needsEnvironment' | 'needsSpec'>> = {},
) {
  return {
    kind,
    description: `fake ${kind}`,
    options,
    needsEnvironment: needs.needsEnvironment ?? false,
    needsSpec: needs.needsSpec ?? false,
    title: (o: Options) => `${kind} ${o.label}`,
    run,
  } satisfies CheckKind<typeof options>;
}

export const report = (partial: Partial<CheckReport> = {}): CheckReport => ({
  summary: 'ok',
  findings: [],
  ...partial,
});

/** A promise with its resolve exposed, to order events without sleeping. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const never = () => new Promise<CheckReport>(() => {});

export function entry(id: string, kind: string, partial: Partial<CheckEntry> = {}): CheckEntry {
  return { id, kind, required: true, timeoutMs: 5000, options: { label: id }, ...partial };
}

export function stage(checks: CheckEntry[], signoff: string[] = []): Stage {
  return { id: 'sandbox', checks, signoff };
}

export const ENV: TargetEnvironment = {
  name: 'sandbox',
  baseUrl: 'http://127.0.0.1:1',
  production: false,
  auth: { type: 'none' },
  variables: {},
  headerNames: [],
};

export function setup(
  kinds: ReturnType<typeof fakeKind>[],
  checks: CheckEntry[],
  extra: Partial<RunStageOptions> = {},
): { events: RunEvent[]; run: () => ReturnType<typeof runStage> } {
  const events: RunEvent[] = [];
  const map = new Map<string, CheckKind>(kinds.map((k) => [k.kind, k as unknown as CheckKind]));
  return {
    events,
    run: () =>
      runStage({
        stage: stage(checks),
        kinds: map,
        http,
        redactor,
        baseDir: '/tmp',
        seed: 42,
        listeners: [(e) => events.push(e)],
        version: '9.9.9',
        ...extra,
      }),
  };
}

export const label = (e: RunEvent): string => {
  switch (e.type) {
    case 'check.started':
      return `${e.type} ${e.checkId}`;
    case 'check.finished':
      return `${e.type} ${e.result.id}`;
    case 'check.progress':
      return `${e.type} ${e.checkId} ${e.message}`;
    default:
      return e.type;
  }
};
