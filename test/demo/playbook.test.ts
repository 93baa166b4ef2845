import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkKinds } from '../../src/checks/index.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { Flow } from '../../src/playbook/schema.js';
import { loadSpecValidator } from './spec-validator.js';

const PLAYBOOK = fileURLToPath(new URL('../../examples/payments/playbook.yaml', import.meta.url));
const ALLOWED_KINDS = new Set(['health', 'tls', 'credentials', 'contract', 'flow', 'idempotency']);

describe('examples/payments/playbook.yaml', () => {
  test('loads with the real loader: four stages, only the example check kinds', async () => {
    const playbook = await loadPlaybook(PLAYBOOK, { kinds: checkKinds });
    assert.deepEqual(
      playbook.stages.map((s) => [s.id, s.environment]),
      [
        ['readiness', 'sandbox'],
        ['sandbox', 'sandbox'],
        ['verification', 'sandbox'],
        ['production-readiness', 'production'],
      ],
    );
    for (const stage of playbook.stages) {
      for (const check of stage.checks)
        assert.ok(ALLOWED_KINDS.has(check.kind), `${stage.id}: ${check.kind}`);
    }
    const sandbox = playbook.stages[1]!.checks.map((c) => c.kind).sort();
    assert.deepEqual(sandbox, ['contract', 'credentials', 'flow', 'flow', 'idempotency', 'tls']);
    assert.equal(playbook.environments.production?.production, true);
    assert.deepEqual(playbook.stages[3]!.signoff, ['partnerships', 'security', 'oncall']);
  });

  test('flows call operations of the spec, send Idempotency-Key on creates, and use only captured names', async () => {
    const spec = await loadSpecValidator();
    const raw = parse(await readFile(PLAYBOOK, 'utf8')) as { flows: Record<string, Flow> };
    assert.deepEqual(Object.keys(raw.flows).sort(), ['checkout', 'idempotent-retry']);
    for (const [name, flow] of Object.entries(raw.flows)) {
      const known = new Set(['uuid']);
      for (const step of flow) {
        const op = spec.operations.get(step.call);
        assert.ok(op, `${name}: ${step.call} is not an operationId`);
        if (op.method === 'POST')
          assert.ok(step.headers?.['Idempotency-Key'], `${name}: ${step.call} needs a key`);
        const used = JSON.stringify([step.params, step.headers, step.body]).matchAll(
          /\{\{\s*([\w.-]+)\s*\}\}/g,
        );
        for (const [, variable] of used)
          assert.ok(known.has(variable!), `${name}: {{ ${variable} }} is not captured yet`);
        for (const variable of Object.keys(step.capture ?? {})) known.add(variable);
        const body = step.body as Record<string, unknown> | undefined;
        if (step.call === 'createPayment') assert.deepEqual(spec.schemaProblems('PaymentCreate', body), []);
        if (step.call === 'createRefund') assert.deepEqual(spec.schemaProblems('RefundCreate', body), []);
      }
    }
  });
});
