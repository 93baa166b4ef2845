import type { z } from 'zod';
import type { CheckReport } from '../core/result.js';
import type { HttpClient } from '../http/client.js';
import type { Redactor } from '../http/redact.js';
import type { ResolvedAuth, ResolvedTls } from '../http/types.js';
import type { ApiSpec } from '../openapi/types.js';
import type { Flow, Targets } from '../playbook/schema.js';

/** The environment a check runs against, with references resolved. */
export interface TargetEnvironment {
  name: string;
  baseUrl: string;
  production: boolean;
  auth: ResolvedAuth;
  /** TLS settings (extra CA, client certificate, insecure), file contents already read. */
  tls?: ResolvedTls;
  variables: Record<string, string | number | boolean>;
  /** Names of extra headers sent with every request (values may be secrets and are not kept here). */
  headerNames: string[];
}

/** Another environment of the playbook and a client for it (the drift check compares two environments). */
export interface OtherEnvironment {
  environment: TargetEnvironment;
  http: HttpClient;
}

/** Everything a check may use. Built by the runner; checks never reach for globals. */
export interface CheckContext {
  checkId: string;
  /** Absent for stages without an environment (e.g. readiness lint). */
  environment?: TargetEnvironment;
  /** Absent when the playbook declares no api.spec. */
  spec?: ApiSpec;
  /** Client for the environment: base URL, auth, TLS, limits, redaction, correlation headers. */
  http: HttpClient;
  redactor: Redactor;
  /**
   * Prepares another environment of the playbook by name (the runner keeps and closes its client);
   * absent when the run has no playbook. Rejects with an InputError for a name the playbook lacks.
   */
  otherEnvironment?(name: string): Promise<OtherEnvironment>;
  flows: Readonly<Record<string, Flow>>;
  targets?: Targets;
  seed: number;
  /** Directory relative paths in options resolve against. */
  baseDir: string;
  /** Reports progress to the runner's subscribers (live terminal, server stream). */
  progress(message: string, done?: number, total?: number): void;
  now(): Date;
}

/** One kind of check: one file exporting a const that `satisfies CheckKind<...>`. */
export interface CheckKind<Schema extends z.ZodType = z.ZodType> {
  kind: string;
  /** One sentence for docs and the JSON Schema. */
  description: string;
  /** Options schema: the single source of types, validation, docs and the JSON Schema. */
  options: Schema;
  /** Whether the stage must name an environment for this check. */
  needsEnvironment: boolean;
  /** Whether the check needs the playbook's api.spec. */
  needsSpec: boolean;
  /**
   * Runs with no other check of its stage at the same time: it counts resources the target holds, or
   * measures latency, and other checks' traffic would skew what it sees.
   */
  runsAlone?: boolean;
  /** Title shown in reports, from the options. */
  title(options: z.output<Schema>): string;
  /** Runs the check. Throwing means "errored" (our problem or the network's), never "failed". */
  run(ctx: CheckContext, options: z.output<Schema>, signal: AbortSignal): Promise<CheckReport>;
}
