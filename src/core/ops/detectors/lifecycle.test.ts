import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { availability } from './availability.js';
import { certificateExpiring } from './certificate-expiring.js';
import { at, configOf, play } from './scenario.test-helper.js';
import { schemaDrift } from './schema-drift.js';

const failed = { outcome: 'failed' as const };
const passed = { outcome: 'passed' as const };
// A 5-minute window (COMMON.windowMs) and 3 failures to fire.
const three = configOf('availability', { failures: 3 });

describe('lifecycle: the start of the problem (details.firstSeenAt on a trigger)', () => {
  test('the first bad sample of the window, clear samples in between or not', () => {
    const { signals, trace } = play(availability, three, [
      [0, passed],
      [60, failed],
      [90, passed],
      [120, failed],
      [180, failed],
    ]);
    assert.deepEqual(trace, ['trigger@180']);
    assert.equal(signals[0]!.details['firstSeenAt'], at(60));
  });

  test('a bad sample that left the window no longer counts as the start', () => {
    const { signals, trace } = play(availability, three, [
      [0, failed],
      [400, passed],
      [500, failed],
      [520, failed],
      [540, failed],
    ]);
    assert.deepEqual(trace, ['trigger@540']);
    assert.equal(signals[0]!.details['firstSeenAt'], at(500));
  });

  test('a kind that fires on its first bad sample: the trigger time', () => {
    const { signals } = play(certificateExpiring, configOf('certificate-expiring', { days: 14 }), [
      [0, { measurements: { 'tls.daysLeft': 30 } }],
      [60, { measurements: { 'tls.daysLeft': 3 } }],
    ]);
    assert.equal(signals[0]!.details['firstSeenAt'], at(60));
  });

  test('after a recovery the next problem starts afresh, also when it flaps', () => {
    const { signals, trace } = play(availability, three, [
      [0, failed],
      [10, failed],
      [20, failed],
      [30, passed],
      [40, passed],
      [50, failed],
      [60, failed],
      [70, failed],
    ]);
    assert.deepEqual(trace, ['trigger@20', 'recover@40', 'trigger@70']);
    assert.equal(signals[0]!.details['firstSeenAt'], at(0));
    assert.equal(signals[2]!.details['firstSeenAt'], at(50));
    assert.equal(signals[2]!.details['flapping'], true);
  });

  test('schema drift: the first drifting sample of the operation', () => {
    const drift = {
      outcome: 'failed' as const,
      findings: [
        {
          code: 'response.body.schema',
          severity: 'error' as const,
          message: 'must be integer',
          operation: 'createPayment',
          pointer: '/amount',
        },
      ],
    };
    const { signals } = play(schemaDrift, configOf('schema-drift', { codes: [] }), [
      [0, passed],
      [30, drift],
    ]);
    assert.equal(signals[0]!.details['firstSeenAt'], at(30));
    assert.equal(signals[0]!.details['firstSeen'], at(30));
  });

  test('a state stored before badSince existed still triggers, from the trigger time', () => {
    const first = play(availability, three, [[0, passed]]);
    const state = first.state as { keys: Record<string, { lc: { badSince?: unknown } }> };
    for (const key of Object.values(state.keys)) delete key.lc.badSince;
    const { signals } = play(
      availability,
      three,
      [
        [10, failed],
        [20, failed],
        [30, failed],
      ],
      first.state,
    );
    assert.equal(signals[0]!.details['firstSeenAt'], at(10));
  });
});
