import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../errors.js';
import { step } from './incident.js';
import { latencySignal, MINUTE, SEV1, SEV1_POLICY, SEV2, SEV3, T0 } from './incident-fixtures.js';

// Single steps of the state machine: the exact effects of a trigger, idempotent timers, determinism.
// The scenario table over whole command sequences is in incident.test.ts.

describe('incident state machine: steps', () => {
  const open = step(
    SEV1_POLICY,
    SEV1,
    null,
    { type: 'trigger', id: 'inc-7', signal: latencySignal('trigger', T0) },
    T0,
  );

  test('the trigger: timeline, level 1 with delivery keys, the next level and every clock scheduled', () => {
    assert.deepEqual(
      open.effects.map((e) => (e.type === 'timeline' ? `timeline ${e.entry.type} ${e.entry.actor}` : e)),
      [
        'timeline triggered detector:slow',
        {
          type: 'notify',
          targets: ['oncall-primary'],
          event: 'triggered',
          round: 1,
          level: 1,
          deliveryKey: 'inc-7:0:triggered:1:1:oncall-primary',
        },
        {
          type: 'notify',
          targets: ['team-chat'],
          event: 'triggered',
          round: 1,
          level: 1,
          deliveryKey: 'inc-7:0:triggered:1:1:team-chat',
        },
        { type: 'schedule', key: `inc-7:0:escalate:1:2@${T0 + 15 * MINUTE}`, at: T0 + 15 * MINUTE },
        { type: 'schedule', key: `inc-7:0:clock:acknowledge@${T0 + 15 * MINUTE}`, at: T0 + 15 * MINUTE },
        {
          type: 'schedule',
          key: `inc-7:0:clock:firstResolutionAttempt@${T0 + 60 * MINUTE}`,
          at: T0 + 60 * MINUTE,
        },
        { type: 'schedule', key: `inc-7:0:clock:mitigate@${T0 + 120 * MINUTE}`, at: T0 + 120 * MINUTE },
        { type: 'schedule', key: `inc-7:0:clock:resolve@${T0 + 240 * MINUTE}`, at: T0 + 240 * MINUTE },
      ],
    );
    assert.equal(open.state.status, 'triggered');
    assert.equal(open.state.triggeredAt, T0);
    assert.deepEqual(open.state.escalation, { round: 1, level: 1 });
  });

  test('a timer fired twice acts once; the second time the state is returned untouched', () => {
    const key = `inc-7:0:clock:acknowledge@${T0 + 15 * MINUTE}`;
    const first = step(SEV1_POLICY, SEV1, open.state, { type: 'timer', key }, T0 + 15 * MINUTE);
    assert.deepEqual(first.effects[0], {
      type: 'breach',
      clock: 'acknowledge',
      deadline: T0 + 15 * MINUTE,
      at: T0 + 15 * MINUTE,
    });
    const second = step(SEV1_POLICY, SEV1, first.state, { type: 'timer', key }, T0 + 16 * MINUTE);
    assert.deepEqual(second.effects, []);
    assert.equal(second.state, first.state);
  });

  test('the same step from the same state decides the same (a crash before saving re-runs it safely)', () => {
    const before = JSON.stringify(open.state);
    const ack = { type: 'acknowledge', by: 'alice' } as const;
    const a = step(SEV1_POLICY, SEV1, open.state, ack, T0 + MINUTE);
    const b = step(SEV1_POLICY, SEV1, open.state, ack, T0 + MINUTE);
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(open.state), before, 'the input state was mutated');
    assert.equal(a.state.acknowledgedBy, 'alice');
  });

  test('an attempt by an action is a timeline entry of type action and meets the first-attempt clock', () => {
    const r = step(
      SEV1_POLICY,
      SEV1,
      open.state,
      { type: 'attempt', by: 'throttle', what: 'throttle webhook answered 200', via: 'action' },
      T0 + 5 * MINUTE,
    );
    assert.equal(r.state.firstAttemptAt, T0 + 5 * MINUTE);
    const entry = r.effects.find((e) => e.type === 'timeline');
    assert.equal(entry?.type === 'timeline' && entry.entry.type, 'action');
    assert.ok(r.effects.some((e) => e.type === 'cancel' && e.key.includes('firstResolutionAttempt')));
    assert.ok(!r.effects.some((e) => e.type === 'cancel' && e.key.includes('escalate')));
  });

  test('configuration for another severity is refused', () => {
    assert.throws(
      () => step(SEV1_POLICY, SEV3, open.state, { type: 'acknowledge', by: 'alice' }, T0),
      (e: unknown) => e instanceof InputError && e.code === 'incident.severity-mismatch',
    );
    assert.throws(
      () => step(SEV1_POLICY, SEV2, open.state, { type: 'severity', by: 'a', severity: 'SEV2' }, T0),
      (e: unknown) => e instanceof InputError && e.code === 'incident.severity-mismatch',
    );
  });
});
