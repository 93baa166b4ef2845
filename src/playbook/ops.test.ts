// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.y} is playbook syntax.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { fakeKinds, rejection, writeTree } from '../../test/fixtures/playbooks/support.js';
import { InputError } from '../core/errors.js';
import { loadPlaybook } from './load.js';
import type { NotifierKindSchema } from './ops.js';

const notifiers: NotifierKindSchema[] = [
  {
    type: 'webhook',
    description: 'POST',
    ticketing: false,
    options: z.strictObject({ url: z.string(), secret: z.string().optional() }),
  },
  {
    type: 'github',
    description: 'issues',
    ticketing: true,
    options: z.strictObject({ repo: z.string(), token: z.string() }),
  },
];

const BASE = `playbook: p
version: 1.0.0
targets: { latency: { p95: 400ms }, errorRate: 2% }
environments:
  sandbox: { baseUrl: http://127.0.0.1:1 }
  production: { baseUrl: http://127.0.0.1:2, production: true }
stages:
  - id: sandbox
    environment: sandbox
    checks:
      - health: { path: /status }
        timeout: 20s
runbooks: { latency-spike: ./latency.md }
`;

async function load(ops: string) {
  const dir = await writeTree({ 'playbook.yaml': BASE + ops, 'latency.md': '# Slow\n' });
  return loadPlaybook(join(dir, 'playbook.yaml'), { kinds: fakeKinds, notifiers });
}

async function problems(ops: string): Promise<string[]> {
  const error = await rejection(load(ops));
  assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
  return error.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

describe('playbook operations', () => {
  test('a playbook without operations gets the default severities and nothing else', async () => {
    const pb = await load('');
    assert.deepEqual(pb.ops.monitors, []);
    assert.deepEqual(
      pb.ops.severities.map((s) => [s.id, s.rank, s.clocks.acknowledge]),
      [
        ['SEV1', 1, 900_000],
        ['SEV2', 2, 1_800_000],
        ['SEV3', 3, 14_400_000],
        ['SEV4', 4, null],
      ],
    );
  });

  test('normalises monitors, detectors, escalation and actions', async () => {
    const pb = await load(`monitors:
  - { check: health, environment: production, every: 1m }
  - { id: gate-health, use: sandbox/health, environment: production, every: 30s, jitter: 1s }
detectors:
  - { kind: latency-spike, severity: SEV2, baseline: 3x, actions: [hook] }
  - { id: drift, kind: schema-drift, severity: SEV3, monitors: [gate-health] }
  - { kind: error-rate-spike, severity: SEV2 }
  - { kind: custom, severity: SEV1, when: "outcome == 'failed' and latency.p95 > 2s", count: 2, window: 10m }
severities:
  SEV1: { acknowledge: 5m }
escalation:
  SEV1:
    levels:
      - { notify: [hooks] }
      - { notify: [tickets], after: 5m }
    repeat: 1
    updates: [hooks]
  SEV2: [{ notify: [hooks] }]
notifiers:
  hooks: { type: webhook, url: "https://hooks.example/x", secret: "\${secret.hook}" }
  tickets: { type: github, repo: acme/ops, token: "\${secret.gh}" }
actions:
  hook: { type: webhook, url: https://ops.example/throttle, cooldown: 5m }
  ticket: { type: ticket, notifier: tickets, approval: manual }
`);
    const [health, gate] = pb.ops.monitors;
    assert.deepEqual(health, {
      id: 'health',
      environment: 'production',
      everyMs: 60_000,
      jitterMs: 6_000,
      check: { kind: 'health', options: { path: '/health' }, timeoutMs: 60_000 },
    });
    assert.deepEqual(gate, {
      id: 'gate-health',
      environment: 'production',
      everyMs: 30_000,
      jitterMs: 1_000,
      check: { kind: 'health', options: { path: '/status' }, timeoutMs: 20_000 },
      from: 'sandbox/health',
    });
    const [latency, drift, errors, custom] = pb.ops.detectors;
    assert.equal(latency?.kind === 'latency-spike' && latency.thresholdMs, 400, 'threshold from targets');
    assert.equal(latency?.kind === 'latency-spike' && latency.baselineFactor, 3);
    assert.equal(latency?.runbook, 'latency-spike', 'runbook found by kind');
    assert.deepEqual([drift?.id, drift?.monitors, drift?.windowMs], ['drift', ['gate-health'], 300_000]);
    assert.equal(errors?.kind === 'error-rate-spike' && errors.cap, 0.02, 'cap from targets');
    assert.equal(custom?.kind === 'custom' && custom.condition.type, 'and');
    assert.equal(pb.ops.severities[0]?.clocks.acknowledge, 300_000, 'declared clock overrides');
    assert.equal(pb.ops.severities[0]?.clocks.resolve, 14_400_000, 'default clocks kept');
    const sev1 = pb.ops.escalation.find((p) => p.severity === 'SEV1');
    assert.deepEqual(sev1, {
      severity: 'SEV1',
      levels: [
        { notify: ['hooks'], afterMs: 0 },
        { notify: ['tickets'], afterMs: 300_000 },
      ],
      repeat: 1,
      repeatAfterMs: 300_000,
      updates: ['hooks'],
    });
    assert.deepEqual(pb.ops.notifiers.hooks, {
      name: 'hooks',
      type: 'webhook',
      options: { url: 'https://hooks.example/x', secret: '${secret.hook}' },
    });
    assert.deepEqual(
      pb.ops.actions.map((a) => [a.id, a.type, a.cooldownMs, a.approval]),
      [
        ['hook', 'webhook', 300_000, 'auto'],
        ['ticket', 'ticket', 600_000, 'manual'],
      ],
    );
  });

  test('a ticket action needs a ticketing notifier; a latency-spike needs a budget', async () => {
    const dir = await writeTree({
      'playbook.yaml': `playbook: p
version: 1.0.0
environments: { production: { baseUrl: http://127.0.0.1:2 } }
monitors: [{ check: health, environment: production, every: 1m }]
detectors: [{ kind: latency-spike, severity: SEV1 }]
notifiers: { hooks: { type: webhook, url: x } }
actions: { t: { type: ticket, notifier: hooks } }
`,
    });
    const error = await rejection(loadPlaybook(join(dir, 'playbook.yaml'), { kinds: fakeKinds, notifiers }));
    assert.ok(error instanceof InputError);
    assert.deepEqual(
      error.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
      [
        '5:13 a latency-spike detector needs a threshold, a baseline factor (e.g. 3x) or targets.latency.p95',
        '7:41 notifier "hooks" (webhook) does not open tickets; use one of type github',
      ],
    );
  });

  test('a playbook with its own severity names replaces the defaults and ranks them in order', async () => {
    const pb = await load('severities:\n  critical: { acknowledge: 10m }\n  minor: {}\n');
    assert.deepEqual(
      pb.ops.severities.map((s) => [s.id, s.rank]),
      [
        ['critical', 1],
        ['minor', 2],
      ],
    );
  });

  test('references between operations are checked with file:line:column', async () => {
    const found = await problems(`monitors:
  - { check: helth, environment: prod, every: 1m }
  - { use: sandbox/contract, environment: production, every: 1m }
  - { environment: production, every: 1m }
detectors:
  - { kind: availability, severity: SEV9, monitors: [nope], actions: [none] }
  - { kind: custom, severity: SEV1, when: "latency.p95 >> 3" }
  - { kind: latency-spike, severity: SEV1, metric: latency.p99, threshold: 1s }
  - { kind: latency-spike, severity: SEV1 }
escalation:
  SEV1:
    - { notify: [hookz] }
    - { notify: [hooks] }
notifiers:
  hooks: { type: webhook, url: x, extra: 1 }
  pager: { type: pagerdty }
`);
    const expect = [
      /^15:14 unknown check kind "helth".*did you mean health/,
      /^15:34 unknown environment "prod"/,
      /^16:12 stage "sandbox" has no check "contract" \(declared stage sandbox: health\)/,
      /^17:5 a monitor needs exactly one of check/,
      /^19:37 unknown severity "SEV9" \(did you mean SEV1\?\)/,
      /^19:54 unknown monitor "nope"/,
      /^19:71 unknown action "none"/,
      /^20:57 invalid condition: expected a value or a field before ">"/,
      /^22:5 duplicate detector id "latency-spike"/,
      /^25:18 unknown notifier "hookz" \(did you mean hooks\?\)/,
      /^26:7 escalation level 2 needs after/,
      /^28:35 unknown key "extra" in notifiers.hooks/,
      /^29:18 unknown notifier type "pagerdty"/,
    ];
    assert.equal(found.length, expect.length, found.join('\n'));
    for (const pattern of expect) {
      assert.ok(
        found.some((p) => pattern.test(p)),
        `no problem matches ${pattern}:\n${found.join('\n')}`,
      );
    }
  });

  test('a drill scenario names a declared detector; a fault switch a declared environment', async () => {
    const found = await problems(`detectors:
  - { id: slow, kind: latency-spike, severity: SEV1, threshold: 1s }
drills:
  faultSwitches:
    stagin: { url: "https://sandbox.example/__admin/faults" }
  scenarios:
    latency: { detector: slo, fault: { proxy: { type: latency, latency: 2s } } }
`);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(
      found[0] ?? '',
      /^18:5 unknown environment "stagin" \(declared environments: sandbox, production\)/,
    );
    assert.match(found[1] ?? '', /^20:26 unknown detector "slo" \(did you mean slow\?\)/);
  });
});
