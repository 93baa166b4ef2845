import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeTree } from '../../../test/fixtures/playbooks/support.js';
import { checkKinds } from '../../checks/index.js';
import { InputError } from '../../core/errors.js';
import { NOTIFIERS } from '../../notify/index.js';
import { loadPlaybook } from '../../playbook/load.js';
import type { Playbook } from '../../playbook/schema.js';
import { type PlanOptions, planDrill } from './drill-plan.js';
import { drillPlaybookText } from './drill-playbook.js';

const TEXT = `playbook: p
version: 1.0.0
environments:
  staging: { baseUrl: http://127.0.0.1:1 }
  prod: { baseUrl: http://127.0.0.1:2, production: true }
stages:
  - { id: s, environment: staging, checks: [health] }
monitors:
  - { id: health, check: health, environment: prod, every: 1m, jitter: 6s }
  - { id: other, check: health, environment: prod, every: 10m }
detectors:
  - { id: slow, kind: latency-spike, severity: SEV1, threshold: 800ms, window: 5m, monitors: [health] }
  - { kind: error-rate-spike, severity: SEV1, monitors: [health] }
  - { kind: availability, severity: SEV2, monitors: [health] }
  - { kind: schema-drift, severity: SEV2, monitors: [health] }
  - { id: odd, kind: custom, severity: SEV1, when: "outcome == 'failed'", monitors: [health] }
escalation:
  SEV1:
    levels:
      - { notify: [pager] }
      - { notify: [boss], after: 15m }
  SEV2: [ { notify: [pager] } ]
notifiers:
  pager: { type: webhook, url: https://hooks.example/pager }
  boss: { type: webhook, url: https://hooks.example/boss }
drills:
  scenarios:
    broken:
      detector: slow
      fault: { proxy: { type: latency, latency: soon } }
`;

async function load(text = TEXT): Promise<Playbook> {
  const dir = await writeTree({ 'playbook.yaml': text });
  return loadPlaybook(join(dir, 'playbook.yaml'), { kinds: checkKinds, notifiers: NOTIFIERS });
}

const options = (o: Partial<PlanOptions>): PlanOptions => ({
  scenario: 'latency-spike',
  environment: 'staging',
  speed: 1,
  escalate: false,
  ...o,
});

function refused(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.code === code && message.test(e.message));
}

describe('planDrill', () => {
  test('refuses an environment marked production, and an unknown one', async () => {
    const playbook = await load();
    refused(
      () => planDrill(playbook, options({ environment: 'prod' })),
      'drill.production',
      /production: true/,
    );
    refused(
      () => planDrill(playbook, options({ environment: 'nope' })),
      'drill.unknown-environment',
      /staging/,
    );
  });

  test('built-in scenarios by detector kind, with targets divided by the speed', async () => {
    const playbook = await load();
    const latency = planDrill(playbook, options({ speed: 60, escalate: true }));
    assert.equal(latency.detector.id, 'slow');
    assert.deepEqual(
      latency.monitors.map((m) => m.id),
      ['health'],
    );
    assert.equal(latency.fault.via, 'proxy');
    assert.equal(latency.fault.label, 'proxy fault latency 1400ms');
    // window 5m/60 + (every 1m + jitter 6s)/60 + the injected 1400 ms
    assert.equal(latency.targets.detectMs, 5_000 + 1_100 + 1_400);
    assert.equal(latency.targets.escalateMs, 15_000);
    assert.equal(latency.targets.notifyMs, 60_000, 'delivery targets are not scaled');
    const errors = planDrill(playbook, options({ scenario: 'error-rate-spike' }));
    assert.ok(errors.fault.via === 'proxy' && errors.fault.faults[0]?.type === 'status');
    const down = planDrill(playbook, options({ scenario: 'availability' }));
    assert.ok(down.fault.via === 'proxy' && down.fault.faults[0]?.type === 'reset');
  });

  test('says what to declare when a scenario cannot run', async () => {
    const playbook = await load();
    refused(
      () => planDrill(playbook, options({ scenario: 'schema-drift' })),
      'drill.no-fault-switch',
      /drills\.faultSwitches\.staging/,
    );
    refused(
      () => planDrill(playbook, options({ scenario: 'odd' })),
      'drill.no-built-in',
      /drills\.scenarios/,
    );
    refused(() => planDrill(playbook, options({ scenario: 'broken' })), 'drill.bad-fault', /\/latency/);
    refused(
      () => planDrill(playbook, options({ scenario: 'availability', escalate: true })),
      'drill.no-level-2',
      /single level/,
    );
    refused(() => planDrill(playbook, options({ scenario: 'nothing' })), 'drill.unknown-scenario', /broken/);
  });
});

describe('drillPlaybookText', () => {
  test('one detector, its monitors on the drill environment, durations scaled, DRILL titles, proxy and capture', async () => {
    const playbook = await load();
    const plan = planDrill(playbook, options({ speed: 60 }));
    const text = drillPlaybookText(TEXT, playbook, plan, {
      proxyUrl: 'http://127.0.0.1:9',
      captureUrl: 'http://127.0.0.1:8',
    });
    const copy = await load(text);
    assert.equal(copy.environments.staging?.baseUrl, 'http://127.0.0.1:9');
    assert.deepEqual(
      copy.ops.monitors.map((m) => [m.id, m.environment, m.everyMs, m.jitterMs]),
      [['health', 'staging', 1_000, 100]],
    );
    assert.equal(copy.ops.detectors.length, 1);
    const [detector] = copy.ops.detectors;
    assert.equal(detector?.windowMs, 5_000);
    assert.match(detector?.title ?? '', /^DRILL latency-spike: /);
    const sev1 = copy.ops.severities.find((s) => s.id === 'SEV1');
    assert.equal(sev1?.clocks.acknowledge, 15_000, 'the default 15m clock, scaled');
    assert.equal(copy.ops.escalation.find((p) => p.severity === 'SEV1')?.levels[1]?.afterMs, 15_000);
    assert.deepEqual(copy.ops.notifiers.boss?.options, { url: 'http://127.0.0.1:8/boss' });
  });
});
