// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env.X} and ${secret.y} are playbook syntax.
import { z } from 'zod';

/**
 * Playbook format v1. These zod schemas are the single source of truth: types, validation,
 * the published JSON Schema (schema/playbook.schema.json) and docs/playbook.md come from them.
 * Check options come from the check registry, injected through buildPlaybookSchema(), so this
 * module never imports the checks layer.
 */

import { opsFields } from './ops-schema.js';
import type { PlaybookOps } from './ops-types.js';
import { durationSchema as duration, percentSchema as percent } from './schema-primitives.js';

/** A string that may contain ${env.NAME} or ${secret.name} references, resolved at run time. */
const secretish = z.string().min(1).describe('A value, or a reference: ${env.NAME} or ${secret.name}.');

export { durationSchema, percentSchema } from './schema-primitives.js';

export const authSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none') }).describe('No authentication.'),
    z
      .strictObject({
        type: z.literal('api-key'),
        in: z.enum(['header', 'query', 'cookie']).default('header').describe('Where the key is sent.'),
        name: z.string().min(1).describe('Header, query parameter or cookie name, e.g. X-API-Key.'),
        value: secretish,
      })
      .describe('An API key sent in a header, query parameter or cookie.'),
    z
      .strictObject({ type: z.literal('bearer'), token: secretish })
      .describe('Authorization: Bearer <token>.'),
    z
      .strictObject({ type: z.literal('basic'), username: secretish, password: secretish })
      .describe('HTTP Basic authentication.'),
    z
      .strictObject({
        type: z.literal('oauth2-client-credentials'),
        tokenUrl: z.string().min(1).describe('Absolute URL, or a path relative to the environment base URL.'),
        clientId: secretish,
        clientSecret: secretish,
        scope: z.string().optional().describe('Space-separated scopes to request.'),
        audience: z.string().optional().describe('Audience parameter some providers require.'),
        clientAuth: z
          .enum(['body', 'basic'])
          .default('body')
          .describe('Send client credentials in the form body or as HTTP Basic.'),
      })
      .describe(
        'OAuth 2.0 client credentials: the token is fetched, cached until it expires, and refreshed.',
      ),
  ])
  .describe('How requests to this environment authenticate.');

export const tlsSchema = z
  .strictObject({
    ca: z
      .string()
      .optional()
      .describe(
        'Path to a PEM bundle of trusted CAs (in addition to the system ones), or the PEM itself (e.g. from ${secret.ca} in the service).',
      ),
    cert: z
      .string()
      .optional()
      .describe('Path to a PEM client certificate for mutual TLS, or the PEM itself.'),
    key: z
      .string()
      .optional()
      .describe('Path to the PEM private key of the client certificate, or the PEM itself.'),
    passphrase: secretish.optional(),
    insecure: z
      .boolean()
      .default(false)
      .describe('Accept any server certificate. Never use against production.'),
  })
  .describe(
    'TLS settings: extra CAs, a client certificate (mTLS), or insecure mode for self-signed sandboxes.',
  );

export const environmentSchema = z
  .strictObject({
    baseUrl: z.string().min(1).describe('Base URL of the API in this environment; may use ${env.NAME}.'),
    production: z
      .boolean()
      .default(false)
      .describe('Marks a production environment: unsafe checks and drills refuse it.'),
    auth: authSchema.optional(),
    tls: tlsSchema.optional(),
    headers: z.record(z.string(), z.string()).optional().describe('Headers sent with every request.'),
    timeout: duration.optional().describe('Per-request timeout (default 10s).'),
    variables: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Values flows can use as {{ name }}.'),
  })
  .describe('One place the API runs: sandbox, staging, production.');

export const targetsSchema = z
  .strictObject({
    latency: z
      .strictObject({
        p50: duration.optional().describe('Median latency target.'),
        p90: duration.optional().describe('90th percentile latency target.'),
        p95: duration.optional().describe('95th percentile latency target.'),
        p99: duration.optional().describe('99th percentile latency target.'),
      })
      .optional()
      .describe('Latency targets by percentile.'),
    errorRate: percent.optional().describe('Highest acceptable share of failed requests.'),
    availability: percent.optional().describe('Lowest acceptable share of successful monitor samples.'),
  })
  .describe('Reliability targets; checks use them as default thresholds.');

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const matcherSchema = z
  .union([
    scalar,
    z
      .strictObject({
        eq: z.unknown().optional(),
        ne: z.unknown().optional(),
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
        contains: z.unknown().optional(),
        matches: z
          .string()
          .refine(isRegExp, 'not a valid regular expression')
          .optional()
          .describe('A regular expression the value must match.'),
        exists: z.boolean().optional(),
        type: z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']).optional(),
        in: z.array(z.unknown()).optional(),
        length: z.number().int().optional(),
      })
      .describe('Operators: eq, ne, gt, gte, lt, lte, contains, matches, exists, type, in, length.'),
  ])
  .describe('A value to equal, or an object of operators.');

const statusExpectation = z
  .union([z.number().int(), z.array(z.number().int()), z.string().regex(/^[1-5]xx$/)])
  .describe('A status code, a list of them, or a class such as 2xx.');

export const flowStepSchema = z
  .strictObject({
    name: z.string().optional().describe('Label of the step in reports (default: the call).'),
    call: z.string().min(1).describe('An operationId, or "METHOD /path/template" from the spec.'),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Path and query parameters by name; path ones are matched from the template.'),
    query: z.record(z.string(), z.unknown()).optional().describe('Extra query parameters.'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Request headers; values may use {{ templates }}.'),
    body: z.unknown().optional().describe('JSON body; strings may use {{ templates }}.'),
    auth: z.boolean().default(true).describe('Send the environment credentials (false to call anonymously).'),
    expect: z
      .strictObject({
        status: statusExpectation.optional(),
        headers: z.record(z.string(), matcherSchema).optional().describe('Header name to matcher.'),
        body: z.record(z.string(), matcherSchema).optional().describe('JSONPath ($.a.b[0]) to matcher.'),
        maxLatency: duration.optional().describe('Slowest acceptable response.'),
      })
      .optional()
      .describe('What the response must look like.'),
    capture: z
      .record(z.string(), z.string())
      .optional()
      .describe('Names to JSONPath expressions ($.id), "header:Name" or "status".'),
    validate: z.boolean().default(true).describe('Validate the response against the spec.'),
  })
  .describe('One call in a flow.');

export const flowSchema = z.array(flowStepSchema).min(1).describe('A multi-step business scenario.');

/** Meta keys allowed beside the kind key in a stage's check entry. */
export const checkMetaSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[\w.:-]+$/)
    .optional()
    .describe('Id of the check in the stage (default: the kind).'),
  title: z.string().optional().describe('Title shown in reports (default: derived from the options).'),
  required: z.boolean().default(true).describe('Whether the gate needs this check to pass.'),
  timeout: duration.optional().describe('Time budget of the check (default 5m).'),
});

export const CHECK_META_KEYS = ['id', 'title', 'required', 'timeout'] as const;

export const stageIdSchema = z.string().regex(/^[a-z0-9][\w-]*$/i, 'stage ids are letters, digits, - and _');

export interface CheckKindSchema {
  kind: string;
  description: string;
  options: z.ZodType;
}

/** The schema of one check entry in a stage, for a set of check kinds (used for the JSON Schema). */
export function checkEntrySchema(kinds: readonly CheckKindSchema[]) {
  const names = kinds.map((k) => k.kind) as [string, ...string[]];
  return z
    .union([
      z.enum(names).describe('A check kind with default options, e.g. "- health".'),
      ...kinds.map((k) =>
        checkMetaSchema.extend({ [k.kind]: k.options }).describe(`${k.kind}: ${k.description}`),
      ),
    ])
    .describe('A check: a kind name, or { <kind>: options } plus optional id, title, required, timeout.');
}

/** Builds the playbook schema for a set of check kinds (the registry passes its list). */
export function buildPlaybookSchema(kinds: readonly CheckKindSchema[]) {
  return playbookSchemaWith(checkEntrySchema(kinds));
}

/**
 * The playbook schema around a given check-entry schema. The loader passes z.unknown() and validates
 * check entries itself, dispatching on the kind key, because a union over every kind reports one
 * error per kind instead of the one that matters.
 */
export function playbookSchemaWith<Entry extends z.ZodType>(checkEntry: Entry) {
  const stage = z
    .strictObject({
      id: stageIdSchema.describe('Unique id of the stage, e.g. sandbox; used by `gangway run --stage`.'),
      title: z.string().optional().describe('Human title shown in reports.'),
      description: z.string().optional().describe('What this stage proves, for the people reading reports.'),
      environment: z
        .string()
        .optional()
        .describe('Environment the checks run against (a name declared under environments).'),
      checks: z
        .array(checkEntry)
        .default([])
        .describe('The checks of the stage; all required ones must pass.'),
      signoff: z
        .array(z.string())
        .default([])
        .describe(
          'Roles (from owners, or "partner") that must sign off the evidence (recorded by the service).',
        ),
      partnerRuns: z
        .boolean()
        .optional()
        .describe(
          'Whether a partner token may start this stage in the service (default: yes unless the environment is production).',
        ),
      freshness: duration
        .optional()
        .describe('How old the passing run may be and still open the gate in the service (default 7d).'),
    })
    .describe('An onboarding stage: its checks and required sign-offs form its gate.');

  return z
    .strictObject({
      $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
      playbook: z
        .string()
        .regex(
          /^[a-z0-9][\w.-]*$/i,
          'expected an identifier such as acme-payments (letters, digits, ., -, _)',
        )
        .describe('Identifier of the playbook, e.g. acme-payments.'),
      title: z.string().optional().describe('Human title of the integration.'),
      version: z
        .string()
        .regex(/^\d+\.\d+\.\d+([-+][\w.-]+)?$/, 'expected a semantic version such as 1.2.0')
        .describe('Semantic version of the playbook, recorded with every run.'),
      description: z.string().optional().describe('Free text: what the integration is for.'),
      extends: z
        .string()
        .optional()
        .describe('Path of a template playbook this one overrides, relative to this file.'),
      api: z
        .strictObject({
          spec: z.string().min(1).describe('Path or URL of the OpenAPI (2.0, 3.0, 3.1) document.'),
        })
        .optional()
        .describe('The API contract.'),
      owners: z
        .record(z.string(), z.string())
        .default({})
        .describe('Role to owner (team, email or handle); sign-off roles come from here.'),
      environments: z
        .record(z.string(), environmentSchema)
        .default({})
        .describe('Named environments (sandbox, production, ...).'),
      targets: targetsSchema.optional(),
      redact: z
        .strictObject({
          headers: z.array(z.string()).default([]).describe('Extra header names to redact in evidence.'),
          fields: z
            .array(z.string())
            .default([])
            .describe('JSON field names whose values are redacted in evidence.'),
        })
        .optional()
        .describe('What to hide in evidence beyond the built-in rules (auth headers, cookies, secrets).'),
      flows: z
        .record(z.string(), flowSchema)
        .default({})
        .describe('Named multi-step scenarios checks can run.'),
      stages: z.array(stage).default([]).describe('The onboarding stages, in order.'),
      ...opsFields,
      runbooks: z
        .record(z.string(), z.string())
        .optional()
        .describe('Runbook name to a markdown file path (relative to the file declaring it).'),
      glossary: z.record(z.string(), z.string()).optional().describe('Domain terms and their meaning.'),
    })
    .describe('A Gangway playbook: one API partner integration, from readiness to production.');
}

export type Auth = z.infer<typeof authSchema>;
export type TlsSettings = z.infer<typeof tlsSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Targets = z.infer<typeof targetsSchema>;
export type Matcher = z.infer<typeof matcherSchema>;
export type FlowStep = z.infer<typeof flowStepSchema>;
export type Flow = z.infer<typeof flowSchema>;
type PlaybookSchema = ReturnType<typeof buildPlaybookSchema>;
export type RawPlaybook = z.infer<PlaybookSchema>;

/** A stage's check entry, normalised: the kind, its parsed options and the meta keys. */
export interface CheckEntry {
  id: string;
  kind: string;
  title?: string;
  required: boolean;
  timeoutMs: number;
  options: unknown;
  /**
   * Directory of the file that declared this entry: relative paths in its options resolve against it
   * (differs from Playbook.baseDir when the entry comes from an `extends` template).
   */
  baseDir?: string;
}

export interface Stage {
  id: string;
  title?: string;
  description?: string;
  environment?: string;
  checks: CheckEntry[];
  signoff: string[];
  /** Explicitly allowed (true) or refused (false) to partner tokens in the service; undefined: by environment. */
  partnerRuns?: boolean;
  /** The stage's freshness window as written (a duration); undefined: the service's default. */
  freshness?: string;
}

/** A loaded, validated playbook. References (${env.X}, ${secret.y}) are still unresolved. */
export interface Playbook extends Omit<RawPlaybook, 'stages'> {
  /** Absolute path of the playbook file (the one given, not a template). */
  file: string;
  /** Directory relative paths in the playbook resolve against. */
  baseDir: string;
  stages: Stage[];
  /** Monitors, detectors, severities, escalation, notifiers and actions, normalised. */
  ops: PlaybookOps;
}
