import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import { FAULTS, FaultState, parseFaults } from './faults.js';

describe('parseFaults', () => {
  test('keeps the order of FAULTS and drops duplicates', () => {
    assert.deepEqual(parseFaults(['slow', 'schema-drift', 'slow']), ['schema-drift', 'slow']);
    assert.deepEqual(parseFaults([]), []);
  });

  test('unknown names throw demo.unknown-fault listing the valid ones', () => {
    assert.throws(
      () => parseFaults(['slow', 'latency', 'cert']),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'demo.unknown-fault' &&
        error.message.includes('"latency", "cert"') &&
        FAULTS.every((f) => error.message.includes(f.name)),
    );
  });

  test('every fault has a one-line description', () => {
    for (const fault of FAULTS) assert.match(fault.description, /^[^\n]{10,100}$/);
  });
});

describe('FaultState', () => {
  test('erroring fails exactly every second request, restarting its count when switched', () => {
    const state = new FaultState(['erroring']);
    assert.deepEqual(
      Array.from({ length: 5 }, () => state.failsPaymentsRequest()),
      [false, true, false, true, false],
    );
    state.set(['erroring']);
    assert.equal(state.failsPaymentsRequest(), false);
    state.set([]);
    assert.equal(state.failsPaymentsRequest(), false);
    assert.equal(state.failsPaymentsRequest(), false);
  });

  test('reports every change to its listener', () => {
    const seen: string[][] = [];
    const state = new FaultState(['slow'], (faults) => seen.push(faults));
    state.set(['cert-expired', 'slow']);
    assert.deepEqual(seen, [['slow'], ['slow', 'cert-expired']]);
  });
});
