import { z } from 'zod';
import type { Finding } from '../core/result.js';
import { type Change, diffSpecs, summaryLine } from '../openapi/diff/index.js';
import { loadSpec } from '../openapi/load.js';
import type { CheckKind } from './kind.js';

const options = z.strictObject({
  baseline: z
    .string()
    .min(1)
    .describe(
      "The last approved spec (file relative to the playbook, or URL) the playbook's api.spec is compared with.",
    ),
  failOn: z
    .enum(['breaking', 'warning'])
    .default('breaking')
    .describe('Lowest change severity that fails the check (docs/diff-rules.md).'),
});

/** The major number of a version string ("2.1.0", "v3"), or undefined when it has none. */
export function majorOf(version: string): number | undefined {
  const m = /^\s*v?(\d+)/i.exec(version);
  return m ? Number(m[1]) : undefined;
}

const HINT =
  "Keep the old behaviour (add instead of change, make new inputs optional), or raise info.version's major number and announce the change to partners.";

/** Breaking changes between the approved spec and the playbook's spec (docs/diff-rules.md). */
export const compatibility = {
  kind: 'compatibility',
  description:
    "Compares the playbook's spec with the last approved one: breaking changes fail unless the major version was raised.",
  options,
  needsEnvironment: false,
  needsSpec: true,
  title: (o) => `compatibility with ${o.baseline}`,
  async run(ctx, o, _signal) {
    const candidate = ctx.spec!;
    ctx.progress(`loading ${o.baseline}`);
    const baseline = await loadSpec(o.baseline, { cwd: ctx.baseDir });
    ctx.progress('comparing');
    const result = diffSpecs(baseline, candidate);
    const before = majorOf(baseline.apiVersion);
    const after = majorOf(candidate.apiVersion);
    const majorRaised = before !== undefined && after !== undefined && after > before;
    const failing = (c: Change) =>
      c.severity === 'breaking' || (o.failOn === 'warning' && c.severity === 'warning');
    const findings: Finding[] = result.changes
      .filter((c) => c.severity !== 'info')
      .map((c) => ({
        code: `compat.${c.code}`,
        severity: failing(c) && !majorRaised ? 'error' : 'warning',
        message: c.message,
        operation: c.operation,
        pointer: c.location,
        hint:
          c.severity === 'breaking' ? HINT : 'Tell partners before they meet it: clients may not expect it.',
      }));
    const versions = `${baseline.apiVersion} → ${candidate.apiVersion}`;
    const raised = majorRaised ? ' (major version raised: breaking changes are warnings)' : '';
    return {
      summary: `${summaryLine(result)} (${versions})${raised}`,
      findings,
      measurements: { ...result.summary },
    };
  },
} satisfies CheckKind<typeof options>;
