import type { ApiSpec } from '../openapi/types.js';
import type { Problem } from '../playbook/path.js';
import type { Playbook } from '../playbook/schema.js';

const LITERAL = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)\s+\//i;

/**
 * Finds playbook references to operations the spec does not have: flow steps' `call`, and check
 * options naming operations. Each problem carries the playbook path so the loader can locate it.
 */
export function specReferenceProblems(playbook: Playbook, spec: ApiSpec): Problem[] {
  const problems: Problem[] = [];
  const known = (ref: string) => spec.operation(ref) !== undefined;
  const suggestion = (ref: string) => {
    const lower = ref.toLowerCase();
    const near = spec.operations.find(
      (op) =>
        op.operationId?.toLowerCase() === lower ||
        op.id.toLowerCase().includes(lower) ||
        lower.includes(op.id.toLowerCase()),
    );
    return near
      ? `did you mean ${near.id}?`
      : `operations look like ${spec.operations
          .slice(0, 3)
          .map((o) => o.id)
          .join(', ')}`;
  };

  for (const [name, steps] of Object.entries(playbook.flows)) {
    steps.forEach((step, index) => {
      if (known(step.call)) return;
      if (LITERAL.test(step.call)) {
        if (!step.validate) return;
        problems.push({
          path: ['flows', name, index, 'call'],
          message: `"${step.call}" is not an operation of ${spec.title}, so its responses cannot be validated`,
          hint: 'use a path template from the spec, e.g. GET /payments/{id}, or set validate: false on the step',
        });
        return;
      }
      problems.push({
        path: ['flows', name, index, 'call'],
        message: `operation "${step.call}" is not in the spec ${spec.title}`,
        hint: suggestion(step.call),
      });
    });
  }

  playbook.stages.forEach((stage, s) => {
    stage.checks.forEach((entry, c) => {
      const options = entry.options;
      if (options === null || typeof options !== 'object') return;
      for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
        if (!['operation', 'operations', 'exclude'].includes(key)) continue;
        const refs = Array.isArray(value) ? value : [value];
        refs.forEach((ref, i) => {
          if (typeof ref !== 'string' || known(ref)) return;
          problems.push({
            path: ['stages', s, 'checks', c, entry.kind, key, ...(Array.isArray(value) ? [i] : [])],
            message: `operation "${ref}" is not in the spec ${spec.title}`,
            hint: suggestion(ref),
          });
        });
      }
    });
  });
  return problems;
}
