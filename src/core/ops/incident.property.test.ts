import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EXAMPLE_CONFIG, latencySignal, MINUTE, T0 } from './incident-fixtures.js';
import { type ScriptStep, simulate } from './incident-simulate.js';
import type { IncidentCommand } from './incident-types.js';

const severity = fc.constantFrom('SEV1', 'SEV2', 'SEV3');
const person = fc.constantFrom('alice', 'bob');

/** Any command, valid or not for the state it meets (refusals are part of the property). */
const command: fc.Arbitrary<IncidentCommand | 'replay'> = fc.oneof(
  severity.map((s) => ({ type: 'trigger', id: 'inc-p', signal: latencySignal('trigger', T0, s) }) as const),
  fc
    .constantFrom('update', 'recover')
    .map((t) => ({ type: 'signal', signal: latencySignal(t, T0) }) as const),
  person.map((by) => ({ type: 'acknowledge', by }) as const),
  person.map((by) => ({ type: 'attempt', by, what: 'restarted the gateway' }) as const),
  person.map((by) => ({ type: 'mitigate', by }) as const),
  person.map((by) => ({ type: 'resolve', by }) as const),
  person.map((by) => ({ type: 'note', by, text: 'looking' }) as const),
  person.map((by) => ({ type: 'reopen', by }) as const),
  severity.map((s) => ({ type: 'severity', by: 'alice', severity: s }) as const),
  fc.constant('replay' as const),
);

/** Commands at increasing times, 0 to 90 minutes apart, the first always a trigger. */
const script = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 90 }), command), { maxLength: 25 })
  .map((items) => {
    let minute = 0;
    const steps: ScriptStep[] = [
      { at: T0, command: { type: 'trigger', id: 'inc-p', signal: latencySignal('trigger', T0) } },
    ];
    for (const [gap, item] of items) {
      minute += gap;
      const at = T0 + minute * MINUTE;
      steps.push(item === 'replay' ? { at, replay: true } : { at, command: item });
    }
    return { steps, until: T0 + (minute + 600) * MINUTE };
  });

test('any command sequence: a delivery key never repeats, a resolved incident has no pending timers', () => {
  fc.assert(
    fc.property(script, ({ steps, until }) => {
      // Stop at each prefix too: "resolved → nothing pending" must hold at every point, not only the end.
      for (let n = 1; n <= steps.length; n++) {
        const sim = simulate(
          EXAMPLE_CONFIG,
          steps.slice(0, n),
          n === steps.length ? until : steps[n - 1]!.at,
        );
        const keys = sim.log.flatMap((e) =>
          'effects' in e ? e.effects.flatMap((x) => (x.type === 'notify' ? [x.deliveryKey] : [])) : [],
        );
        assert.equal(new Set(keys).size, keys.length, `repeated delivery key in ${keys.join(', ')}`);
        for (const event of sim.log) if ('replayed' in event) assert.deepEqual(event.effects, []);
        const state = sim.state;
        assert.ok(state);
        assert.deepEqual(Object.keys(state.timers).sort(), [...sim.timers.keys()].sort());
        if (state.status === 'resolved') {
          assert.deepEqual(state.timers, {});
          assert.equal(sim.timers.size, 0);
        }
        // Each clock breaches at most once per cycle.
        const breaches = state.breaches.map((b) => `${b.cycle}:${b.clock}`);
        assert.equal(new Set(breaches).size, breaches.length);
      }
    }),
    { numRuns: 300 },
  );
});
