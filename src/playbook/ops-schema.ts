// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.y} is playbook syntax.
import { z } from 'zod';
import { drillsSchema } from './drills-schema.js';
import { durationSchema as duration, percentSchema as percent } from './schema-primitives.js';

/**
 * The operations half of a playbook, as written: monitors, detectors, severities, escalation,
 * notifiers and actions. ops.ts cross-checks the references and normalises these into
 * src/core/ops/types.ts's OpsConfig. Notifier options are validated against the notifier registry
 * (injected by the caller, like check kinds), so here a notifier is any map with a `type`.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][\w.-]*$/i, 'ids are letters, digits, ., - and _')
  .describe('An identifier: letters, digits, ., - and _.');

const count = z.number().int().min(1);

export const monitorSchema = z
  .strictObject({
    id: id.optional().describe('Id of the monitor (default: the check id, e.g. health or flow:checkout).'),
    check: z
      .unknown()
      .optional()
      .describe(
        'The check to run, written as a stage check: "health", or { flow: checkout }, or { tls: { ... } }.',
      ),
    use: z
      .string()
      .regex(/^[\w-]+\/[\w.:-]+$/, 'expected <stage>/<check id>, e.g. sandbox/contract')
      .optional()
      .describe('Reuse a stage check: "<stage id>/<check id>" (the definition the gate used).'),
    environment: z.string().min(1).describe('Environment the monitor watches, usually production.'),
    every: duration.describe('Interval between executions, e.g. 1m.'),
    jitter: duration
      .optional()
      .describe('Each execution starts up to this much later, at random (default 10% of every).'),
    timeout: duration.optional().describe('Time budget of one execution (default: every, at most 5m).'),
  })
  .describe('A check run on a schedule against an environment; each execution is a stored sample.');

const detectorCommon = {
  id: id.optional().describe('Id of the detector (default: its kind).'),
  severity: z
    .string()
    .min(1)
    .describe('Severity of the incidents it opens (a key of severities; SEV1–SEV4 by default).'),
  monitors: z.array(z.string()).optional().describe('Monitor ids it watches (default: all).'),
  title: z.string().optional().describe('Incident title (default: derived from the detector and monitor).'),
  runbook: z
    .string()
    .optional()
    .describe('Runbook name (a key of runbooks; default: the detector id, then its kind).'),
  window: duration.optional().describe('Sliding window it judges over (default 5m).'),
  recoverAfter: count
    .optional()
    .describe('Consecutive healthy samples before it signals recovery (default 2).'),
  flap: duration
    .optional()
    .describe(
      'A new trigger this soon after a recovery re-opens the same incident, flagged as flapping (default 10m).',
    ),
  actions: z.array(z.string()).optional().describe('Actions (keys of actions) to run when it triggers.'),
  autoResolve: z.boolean().optional().describe('Whether recovery resolves the incident (default true).'),
};

const factor = z
  .string()
  .regex(/^\d+(\.\d+)?x$/, 'expected a factor such as 3x')
  .describe('A multiple of the baseline, e.g. 3x.');

export const detectorSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('schema-drift'),
        ...detectorCommon,
        codes: z
          .array(z.string())
          .optional()
          .describe('Finding code prefixes that count as drift (default: response.).'),
      })
      .describe('Responses stop matching the contract: which operation, which pointer, first seen.'),
    z
      .strictObject({
        kind: z.literal('latency-spike'),
        ...detectorCommon,
        metric: z.string().optional().describe('Measurement judged (default latency.p95).'),
        threshold: duration.optional().describe('Absolute budget (default: targets.latency.p95).'),
        baseline: factor
          .optional()
          .describe('Fire when over this multiple of the rolling baseline, e.g. 3x.'),
        baselineMin: count.optional().describe('Samples the baseline needs before it is used (default 10).'),
        minSamples: count.optional().describe('Slow samples in the window needed to fire (default 3).'),
      })
      .describe('Latency over a target or over k× the baseline, for a window.'),
    z
      .strictObject({
        kind: z.literal('error-rate-spike'),
        ...detectorCommon,
        cap: percent
          .optional()
          .describe('Highest acceptable error rate (default: targets.errorRate, else 5%).'),
        minSamples: count.optional().describe('Samples in the window needed to judge (default 3).'),
      })
      .describe('Error rate over the cap in a window.'),
    z
      .strictObject({
        kind: z.literal('availability'),
        ...detectorCommon,
        failures: count.optional().describe('Failed executions within the window that fire it (default 3).'),
      })
      .describe('n failures within the window ("3 failures in 5 minutes").'),
    z
      .strictObject({
        kind: z.literal('certificate-expiring'),
        ...detectorCommon,
        days: count.optional().describe('Fire when fewer days than this are left (default 14).'),
      })
      .describe('A TLS certificate close to expiry (needs a tls monitor).'),
    z
      .strictObject({
        kind: z.literal('credential-failing'),
        ...detectorCommon,
        minLifetime: duration.optional().describe('Fire when an issued token lives shorter than this.'),
        rotation: duration
          .optional()
          .describe('Fire when the secret is older than its rotation period, e.g. 90d.'),
      })
      .describe('Credentials refused, or expiring, or overdue for rotation (needs a credentials monitor).'),
    z
      .strictObject({
        kind: z.literal('custom'),
        ...detectorCommon,
        when: z
          .string()
          .min(1)
          .describe('A condition over sample fields, e.g. "outcome == \'failed\' and latency.p95 > 2s".'),
        count: count.optional().describe('Matching samples within the window that fire it (default 1).'),
      })
      .describe('A condition over sample fields, parsed when the playbook loads.'),
  ])
  .describe('Recognises a known failure scenario in monitor samples and opens or updates an incident.');

export const severitySchema = z
  .strictObject({
    title: z.string().optional().describe('Human name, e.g. Critical.'),
    acknowledge: duration.optional().describe('Acknowledge within this time.'),
    firstResolutionAttempt: duration.optional().describe('First resolution attempt within this time.'),
    mitigate: duration.optional().describe('Mitigate within this time.'),
    resolve: duration.optional().describe('Resolve within this time.'),
  })
  .describe('A severity level and its clocks, measured from the trigger.');

const level = z
  .strictObject({
    notify: z.array(z.string()).min(1).describe('Notifiers (keys of notifiers) to notify at this level.'),
    after: duration
      .optional()
      .describe('Notify this level when still unacknowledged this long after the trigger (first level: 0).'),
    unacknowledgedAfter: duration.optional().describe('Same as after.'),
  })
  .describe('An escalation level.');

export const escalationSchema = z
  .union([
    z.array(level).min(1),
    z.strictObject({
      levels: z.array(level).min(1).describe('Levels, in order.'),
      repeat: z
        .number()
        .int()
        .min(0)
        .max(10)
        .optional()
        .describe('Further rounds through the levels while unacknowledged (default 0).'),
      repeatAfter: duration.optional().describe('Pause after the last level before the next round.'),
      updates: z
        .array(z.string())
        .optional()
        .describe('Notifiers told of every status change and clock breach (besides those already notified).'),
    }),
  ])
  .describe('The escalation policy of one severity: a list of levels, or { levels, repeat, updates }.');

export const notifierSchema = z
  .looseObject({
    type: z
      .string()
      .min(1)
      .describe('Notifier type: webhook, slack, teams, pagerduty, opsgenie, email, github, jira.'),
  })
  .describe('A notification channel; its options depend on the type (docs/notifiers.md).');

const guard = {
  cooldown: duration.optional().describe('Minimum time between two runs (default 10m).'),
  maxPerHour: count.optional().describe('Runs allowed per hour (default 6).'),
  approval: z
    .enum(['auto', 'manual'])
    .optional()
    .describe('manual: a person approves each run (default auto).'),
};

export const actionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('webhook'),
      purpose: z
        .string()
        .optional()
        .describe('rollback, throttle, degraded-mode, ... (shown on the timeline).'),
      url: z.string().min(1).describe('URL called with a signed POST.'),
      secret: z.string().optional().describe('HMAC key, e.g. ${secret.ops_hook_key}.'),
      ...guard,
    }),
    z.strictObject({
      type: z.literal('rerun'),
      monitors: z
        .array(z.string())
        .optional()
        .describe('Monitors to run again now (default: the one that triggered).'),
      ...guard,
    }),
    z.strictObject({
      type: z.literal('ticket'),
      notifier: z.string().describe('A ticketing notifier (github, jira) to open the ticket with.'),
      ...guard,
    }),
  ])
  .describe('An automated response a detector may trigger: a signed webhook, re-running monitors, a ticket.');

export const opsFields = {
  monitors: z.array(monitorSchema).optional().describe('Production monitors: checks on a schedule.'),
  detectors: z.array(detectorSchema).optional().describe('Detectors of known failure scenarios.'),
  severities: z
    .record(z.string(), severitySchema)
    .optional()
    .describe('Severity levels and their clocks (default SEV1–SEV4).'),
  escalation: z.record(z.string(), escalationSchema).optional().describe('Escalation policy per severity.'),
  notifiers: z.record(z.string(), notifierSchema).optional().describe('Notification channels by name.'),
  actions: z.record(z.string(), actionSchema).optional().describe('Automated actions by name.'),
  drills: drillsSchema.optional(),
};
