// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { durationSchema as duration } from './schema-primitives.js';

/**
 * `drills:` — what `gangway drill` rehearses: fault switches per environment and named scenarios.
 * Proxy faults are checked against the fault proxy's own schema when a drill starts (the playbook layer
 * does not import the proxy), so here a proxy fault is any map with a `type`.
 */

const name = z
  .string()
  .regex(/^[a-z0-9][\w.-]*$/i, 'names are letters, digits, ., - and _')
  .describe('A name: letters, digits, ., - and _.');

export const faultSwitchSchema = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .describe(
        'Where to POST {"faults": ["<name>"]} to switch a fault on and {"faults": []} to clear it: an absolute URL, or a path relative to the environment base URL (e.g. /__admin/faults). May use ${secret.x}.',
      ),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Headers sent with every switch request, e.g. an admin token; values may be ${secret.x}.'),
  })
  .describe("An environment's own fault switch (the demo sandbox's /__admin/faults is the model).");

const faultSchema = z
  .union([
    z
      .strictObject({
        proxy: z
          .looseObject({ type: z.string().min(1) })
          .describe('A fault of the fault proxy (docs/proxy.md), e.g. { type: latency, latency: 2s }.'),
      })
      .describe('Injected by the fault proxy Gangway starts in front of the environment.'),
    z
      .strictObject({
        switch: z.string().min(1).describe("A fault name the environment's fault switch knows."),
      })
      .describe("Switched on through the environment's fault switch."),
  ])
  .describe('The fault a scenario injects.');

export const drillScenarioSchema = z
  .strictObject({
    description: z.string().optional().describe('What the scenario rehearses.'),
    detector: z.string().min(1).describe('Id of the detector expected to fire (a detector of the playbook).'),
    fault: faultSchema,
    notifyWithin: duration.optional().describe('Level 1 must be notified this soon after the trigger.'),
  })
  .describe('A named drill: a fault and the detector expected to catch it.');

export const drillsSchema = z
  .strictObject({
    notifyWithin: duration
      .optional()
      .describe('Default target: level 1 notified this soon after the trigger (default 60s).'),
    faultSwitches: z
      .record(z.string(), faultSwitchSchema)
      .optional()
      .describe(
        'Fault switch per environment name (needed for schema-drift, certificate and credential drills).',
      ),
    scenarios: z.record(name, drillScenarioSchema).optional().describe('Named drill scenarios.'),
  })
  .describe('Rehearsals for `gangway drill`: fault switches and scenarios.');

type RawDrills = z.infer<typeof drillsSchema>;

/** A fault as a drill injects it: through the fault proxy, or by name through the fault switch. */
export type DrillFault = { via: 'proxy'; fault: Record<string, unknown> } | { via: 'switch'; name: string };

/** A declared scenario, normalised. */
export interface DrillScenario {
  name: string;
  description?: string;
  detector: string;
  fault: DrillFault;
  notifyWithinMs?: number;
}

/** The `drills:` section, normalised (durations in ms). */
export interface DrillsConfig {
  notifyWithinMs: number;
  faultSwitches: Record<string, { url: string; headers: Record<string, string> }>;
  scenarios: DrillScenario[];
}

/** Default target for level 1's notification after the trigger. */
export const DEFAULT_NOTIFY_WITHIN_MS = 60_000;

/** Normalises a playbook's raw `drills:` (absent: no switches, no scenarios, the default target). */
export function normaliseDrills(raw: RawDrills | undefined): DrillsConfig {
  const faultSwitches: DrillsConfig['faultSwitches'] = {};
  for (const [env, s] of Object.entries(raw?.faultSwitches ?? {}))
    faultSwitches[env] = { url: s.url, headers: s.headers ?? {} };
  return {
    notifyWithinMs:
      raw?.notifyWithin !== undefined ? parseDuration(raw.notifyWithin) : DEFAULT_NOTIFY_WITHIN_MS,
    faultSwitches,
    scenarios: Object.entries(raw?.scenarios ?? {}).map(([scenario, s]) => ({
      name: scenario,
      ...(s.description !== undefined && { description: s.description }),
      detector: s.detector,
      fault:
        'proxy' in s.fault
          ? { via: 'proxy', fault: { ...s.fault.proxy } }
          : { via: 'switch', name: s.fault.switch },
      ...(s.notifyWithin !== undefined && { notifyWithinMs: parseDuration(s.notifyWithin) }),
    })),
  };
}
