import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EXAMPLE_CONFIG,
  latencySignal,
  MINUTE,
  SEV1_POLICY,
  SEV2,
  severityConfig,
  T0,
} from './incident-fixtures.js';
import { type IncidentConfig, type ScriptStep, type Simulation, simulate } from './incident-simulate.js';
import type { IncidentCommand } from './incident-types.js';
import type { IncidentStatus } from './types.js';

const at = (minutes: number, command: IncidentCommand): ScriptStep => ({
  at: T0 + minutes * MINUTE,
  command,
});
const replay = (minutes: number): ScriptStep => ({ at: T0 + minutes * MINUTE, replay: true });
const trigger = (minutes: number, severity = 'SEV1', autoResolve = true): ScriptStep =>
  at(minutes, { type: 'trigger', id: 'inc-1', signal: latencySignal('trigger', T0, severity), autoResolve });
const m = (time: number) => `${(time - T0) / MINUTE}m`;

/** Every delivery as "<minute> <event>[:clock] [round:level] <target>", in order. */
function deliveries(sim: Simulation): string[] {
  return sim.log.flatMap((event) =>
    'effects' in event
      ? event.effects.flatMap((e) => {
          if (e.type !== 'notify') return [];
          const what = e.clock ? `${e.event}:${e.clock}` : e.event;
          const where = ['triggered', 'escalated', 'reopened'].includes(e.event)
            ? ` ${e.round}:${e.level}`
            : '';
          return e.targets.map((target) => `${m(event.at)} ${what}${where} ${target}`);
        })
      : [],
  );
}

interface Row {
  name: string;
  config?: IncidentConfig;
  script: ScriptStep[];
  /** Minutes after T0 the simulation runs to. */
  until: number;
  notified: string[];
  /** "<minute> <clock> due <minute>". */
  breaches?: string[];
  /** "<minute> <command> <code>". */
  errors?: string[];
  status: IncidentStatus;
  /** Timers still pending at the end (state and runtime agree). */
  pending?: number;
}

const triggeredSev1 = ['0m triggered 1:1 oncall-primary', '0m triggered 1:1 team-chat'];

const rows: Row[] = [
  {
    name: 'SEV1 nobody acknowledges: three levels, one repeat round, every clock breaches once',
    script: [trigger(0)],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '30m escalated 1:3 eng-manager',
      '45m escalated 2:1 oncall-primary',
      '45m escalated 2:1 team-chat',
      '60m breach:firstResolutionAttempt oncall-primary',
      '60m breach:firstResolutionAttempt team-chat',
      '60m escalated 2:2 oncall-secondary',
      '75m escalated 2:3 eng-manager',
      '120m breach:mitigate eng-manager',
      '120m breach:mitigate team-chat',
      '240m breach:resolve eng-manager',
      '240m breach:resolve team-chat',
    ],
    breaches: [
      '15m acknowledge due 15m',
      '60m firstResolutionAttempt due 60m',
      '120m mitigate due 120m',
      '240m resolve due 240m',
    ],
    status: 'triggered',
  },
  {
    name: 'the worked SEV1 example of docs/incidents.md',
    script: [
      trigger(0),
      at(20, { type: 'acknowledge', by: 'alice' }),
      at(25, { type: 'attempt', by: 'throttle', what: 'throttle webhook answered 200', via: 'action' }),
      at(70, { type: 'mitigate', by: 'alice' }),
      at(95, { type: 'signal', signal: latencySignal('recover', T0 + 95 * MINUTE) }),
    ],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '20m acknowledged oncall-primary',
      '20m acknowledged team-chat',
      '20m acknowledged oncall-secondary',
      '70m mitigated oncall-primary',
      '70m mitigated team-chat',
      '70m mitigated oncall-secondary',
      '95m resolved oncall-primary',
      '95m resolved team-chat',
      '95m resolved oncall-secondary',
    ],
    breaches: ['15m acknowledge due 15m'],
    status: 'resolved',
  },
  {
    name: 'acknowledged before the deadline: no escalation, the other clocks keep running',
    script: [trigger(0), at(10, { type: 'acknowledge', by: 'alice' })],
    until: 600,
    notified: [
      ...triggeredSev1,
      '10m acknowledged oncall-primary',
      '10m acknowledged team-chat',
      '60m breach:firstResolutionAttempt oncall-primary',
      '60m breach:firstResolutionAttempt team-chat',
      '120m breach:mitigate oncall-primary',
      '120m breach:mitigate team-chat',
      '240m breach:resolve oncall-primary',
      '240m breach:resolve team-chat',
    ],
    breaches: ['60m firstResolutionAttempt due 60m', '120m mitigate due 120m', '240m resolve due 240m'],
    status: 'acknowledged',
  },
  {
    name: 'acknowledged after the deadline: the breach stays, the later clocks are met in time',
    script: [
      trigger(0),
      at(20, { type: 'acknowledge', by: 'alice' }),
      at(30, { type: 'attempt', by: 'throttle', what: 'throttle webhook: 200', via: 'action' }),
      at(90, { type: 'mitigate', by: 'alice' }),
      at(200, { type: 'resolve', by: 'alice' }),
    ],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '20m acknowledged oncall-primary',
      '20m acknowledged team-chat',
      '20m acknowledged oncall-secondary',
      '90m mitigated oncall-primary',
      '90m mitigated team-chat',
      '90m mitigated oncall-secondary',
      '200m resolved oncall-primary',
      '200m resolved team-chat',
      '200m resolved oncall-secondary',
    ],
    breaches: ['15m acknowledge due 15m'],
    status: 'resolved',
  },
  {
    name: 'mitigated without acknowledgement: escalation stops, the acknowledge clock counts as met',
    script: [trigger(0), at(10, { type: 'mitigate', by: 'bob' })],
    until: 600,
    notified: [
      ...triggeredSev1,
      '10m mitigated oncall-primary',
      '10m mitigated team-chat',
      '240m breach:resolve oncall-primary',
      '240m breach:resolve team-chat',
    ],
    breaches: ['240m resolve due 240m'],
    status: 'mitigated',
  },
  {
    name: 'resolved while triggered: every timer is cancelled and nothing fires later',
    script: [trigger(0), at(5, { type: 'resolve', by: 'bob' })],
    until: 600,
    notified: [...triggeredSev1, '5m resolved oncall-primary', '5m resolved team-chat'],
    breaches: [],
    status: 'resolved',
  },
  {
    name: 'a flapping trigger re-opens: level 1 paged again, clocks restart from the re-open',
    script: [
      trigger(0),
      at(5, { type: 'acknowledge', by: 'alice' }),
      at(10, { type: 'resolve', by: 'alice' }),
      trigger(20),
    ],
    until: 40,
    notified: [
      ...triggeredSev1,
      '5m acknowledged oncall-primary',
      '5m acknowledged team-chat',
      '10m resolved oncall-primary',
      '10m resolved team-chat',
      '20m reopened 1:1 oncall-primary',
      '20m reopened 1:1 team-chat',
      '35m breach:acknowledge oncall-primary',
      '35m breach:acknowledge team-chat',
      '35m escalated 1:2 oncall-secondary',
    ],
    breaches: ['35m acknowledge due 35m'],
    status: 'triggered',
    pending: 4,
  },
  {
    name: 'manual re-open of a resolved incident; re-opening an open one is refused',
    script: [
      trigger(0),
      at(5, { type: 'reopen', by: 'dave' }),
      at(10, { type: 'resolve', by: 'carol' }),
      at(12, { type: 'reopen', by: 'dave', reason: 'customers still see timeouts' }),
      at(13, { type: 'acknowledge', by: 'dave' }),
    ],
    until: 20,
    notified: [
      ...triggeredSev1,
      '10m resolved oncall-primary',
      '10m resolved team-chat',
      '12m reopened 1:1 oncall-primary',
      '12m reopened 1:1 team-chat',
      '13m acknowledged oncall-primary',
      '13m acknowledged team-chat',
    ],
    errors: ['5m reopen incident.invalid-transition'],
    status: 'acknowledged',
    pending: 3,
  },
  {
    name: 'severity raised SEV3 → SEV1: clocks re-planned from the trigger, a past deadline breaches at once',
    script: [trigger(0, 'SEV3'), at(20, { type: 'severity', by: 'alice', severity: 'SEV1' })],
    until: 30,
    notified: [
      '0m triggered 1:1 team-chat',
      '20m escalated 1:1 oncall-primary',
      '20m breach:acknowledge oncall-primary',
      '20m breach:acknowledge team-chat',
      '20m escalated 1:2 oncall-secondary',
      '30m escalated 1:3 eng-manager',
    ],
    breaches: ['20m acknowledge due 15m'],
    status: 'triggered',
    pending: 4,
  },
  {
    name: 'severity lowered SEV1 → SEV2 after a breach: the breach stays, dropped clocks are cancelled',
    script: [trigger(0), at(20, { type: 'severity', by: 'alice', severity: 'SEV2' })],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '480m breach:resolve oncall-secondary',
      '480m breach:resolve team-chat',
    ],
    breaches: ['15m acknowledge due 15m', '480m resolve due 480m'],
    status: 'triggered',
  },
  {
    name: 'timers delivered twice, or after their incident resolved, do nothing',
    script: [
      trigger(0),
      replay(16),
      at(20, { type: 'acknowledge', by: 'alice' }),
      replay(21),
      at(30, { type: 'resolve', by: 'alice' }),
      replay(300),
    ],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '20m acknowledged oncall-primary',
      '20m acknowledged team-chat',
      '20m acknowledged oncall-secondary',
      '30m resolved oncall-primary',
      '30m resolved team-chat',
      '30m resolved oncall-secondary',
    ],
    breaches: ['15m acknowledge due 15m'],
    status: 'resolved',
  },
  {
    name: 'a policy without levels: the update targets hear of the trigger and of the breaches',
    config: {
      severities: [SEV2],
      escalation: [{ severity: 'SEV2', levels: [], repeat: 0, repeatAfterMs: 0, updates: ['team-chat'] }],
    },
    script: [trigger(0, 'SEV2')],
    until: 600,
    notified: [
      '0m triggered 1:1 team-chat',
      '30m breach:acknowledge team-chat',
      '480m breach:resolve team-chat',
    ],
    breaches: ['30m acknowledge due 30m', '480m resolve due 480m'],
    status: 'triggered',
  },
  {
    name: 'no escalation policy at all: nobody is notified, breaches are still recorded',
    config: { severities: [SEV2], escalation: [] },
    script: [trigger(0, 'SEV2'), at(40, { type: 'acknowledge', by: 'alice' })],
    until: 600,
    notified: [],
    breaches: ['30m acknowledge due 30m', '480m resolve due 480m'],
    status: 'acknowledged',
  },
  {
    name: 'clocks null: escalation only, nothing pending once acknowledged',
    config: { severities: [severityConfig('SEV1', 1)], escalation: [SEV1_POLICY] },
    script: [trigger(0), at(20, { type: 'acknowledge', by: 'alice' })],
    until: 600,
    notified: [
      ...triggeredSev1,
      '15m escalated 1:2 oncall-secondary',
      '20m acknowledged oncall-primary',
      '20m acknowledged team-chat',
      '20m acknowledged oncall-secondary',
    ],
    breaches: [],
    status: 'acknowledged',
  },
  {
    name: 'recovery resolves when the detector auto-resolves',
    script: [trigger(0), at(10, { type: 'signal', signal: latencySignal('recover', T0 + 10 * MINUTE) })],
    until: 600,
    notified: [...triggeredSev1, '10m resolved oncall-primary', '10m resolved team-chat'],
    breaches: [],
    status: 'resolved',
  },
  {
    name: 'recovery without autoResolve waits for a person; updates change nothing else',
    script: [
      trigger(0, 'SEV1', false),
      at(5, { type: 'signal', signal: latencySignal('update', T0 + 5 * MINUTE) }),
      at(10, { type: 'signal', signal: latencySignal('recover', T0 + 10 * MINUTE) }),
    ],
    until: 12,
    notified: triggeredSev1,
    breaches: [],
    status: 'triggered',
    pending: 5,
  },
  {
    name: 'notes while open go to everyone involved; notes after resolution only to the timeline',
    script: [
      trigger(0),
      at(16, { type: 'note', by: 'alice', text: 'Looking at the gateway' }),
      at(17, { type: 'resolve', by: 'alice' }),
      at(18, { type: 'note', by: 'alice', text: 'Post-incident review on Monday' }),
    ],
    until: 60,
    notified: [
      ...triggeredSev1,
      '15m breach:acknowledge oncall-primary',
      '15m breach:acknowledge team-chat',
      '15m escalated 1:2 oncall-secondary',
      '16m note oncall-primary',
      '16m note team-chat',
      '16m note oncall-secondary',
      '17m resolved oncall-primary',
      '17m resolved team-chat',
      '17m resolved oncall-secondary',
    ],
    status: 'resolved',
  },
  {
    name: 'invalid commands are refused with stable codes and change nothing',
    script: [
      at(0, { type: 'acknowledge', by: 'alice' }),
      trigger(1),
      at(2, { type: 'note', by: 'alice', text: '  ' }),
      at(3, { type: 'acknowledge', by: 'alice' }),
      at(4, { type: 'acknowledge', by: 'bob' }),
      at(5, { type: 'resolve', by: 'alice' }),
      at(6, { type: 'acknowledge', by: 'alice' }),
      at(7, { type: 'mitigate', by: 'alice' }),
      at(8, { type: 'severity', by: 'alice', severity: 'SEV9' }),
      at(9, { type: 'attempt', by: '', what: 'restart' }),
    ],
    until: 600,
    notified: [
      '1m triggered 1:1 oncall-primary',
      '1m triggered 1:1 team-chat',
      '3m acknowledged oncall-primary',
      '3m acknowledged team-chat',
      '5m resolved oncall-primary',
      '5m resolved team-chat',
    ],
    errors: [
      '0m acknowledge incident.not-open',
      '2m note incident.note-empty',
      '4m acknowledge incident.invalid-transition',
      '6m acknowledge incident.invalid-transition',
      '7m mitigate incident.invalid-transition',
      '8m severity incident.unknown-severity',
      '9m attempt incident.actor-required',
    ],
    status: 'resolved',
  },
];

describe('incident state machine: scenarios', () => {
  for (const row of rows) {
    test(row.name, () => {
      const sim = simulate(row.config ?? EXAMPLE_CONFIG, row.script, T0 + row.until * MINUTE);
      assert.deepEqual(deliveries(sim), row.notified);
      const state = sim.state;
      assert.ok(state);
      assert.equal(state.status, row.status);
      if (row.breaches)
        assert.deepEqual(
          state.breaches.map((b) => `${m(b.at)} ${b.clock} due ${m(b.deadline)}`),
          row.breaches,
        );
      const errors = sim.log.flatMap((e) =>
        'error' in e ? [`${m(e.at)} ${e.command.type} ${e.error}`] : [],
      );
      assert.deepEqual(errors, row.errors ?? []);
      assert.equal(Object.keys(state.timers).length, row.pending ?? 0, 'timers pending in the state');
      assert.deepEqual(
        Object.keys(state.timers).sort(),
        [...sim.timers.keys()].sort(),
        'state and runtime agree',
      );
      for (const event of sim.log)
        if ('replayed' in event) assert.deepEqual(event.effects, [], `replayed ${event.command.type} acted`);
      const keys = sim.log.flatMap((e) =>
        'effects' in e ? e.effects.flatMap((x) => (x.type === 'notify' ? [x.deliveryKey] : [])) : [],
      );
      assert.equal(new Set(keys).size, keys.length, 'a delivery key repeated');
    });
  }
});
