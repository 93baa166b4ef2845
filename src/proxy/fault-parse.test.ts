import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import { parseFaultText, validateFaults } from './fault-parse.js';
import { normalizeFault } from './faults.js';

describe('fault short form', () => {
  test('status with rate', () => {
    assert.deepEqual(parseFaultText('status=503,rate=0.5'), { type: 'status', status: 503, rate: 0.5 });
  });
  test('latency with jitter (± or +-), percentage rate, route', () => {
    const f = parseFaultText('latency=200ms±50ms,rate=20%,method=get,path=/payments/{id}');
    assert.deepEqual(f, {
      type: 'latency',
      latency: '200ms',
      jitter: '50ms',
      rate: '20%',
      method: 'get',
      path: '/payments/{id}',
    });
    assert.deepEqual(normalizeFault(f, 'x').action, { type: 'latency', latencyMs: 200, jitterMs: 50 });
    assert.equal(normalizeFault(f, 'x').rate, 0.2);
    assert.equal(normalizeFault(f, 'x').method, 'GET');
    assert.deepEqual(parseFaultText('latency=1s+-100'), { type: 'latency', latency: '1s', jitter: 100 });
  });
  test('bare types, phase, first, sizes and drip', () => {
    assert.deepEqual(parseFaultText('reset,phase=response,first=2'), {
      type: 'reset',
      phase: 'response',
      first: 2,
    });
    assert.deepEqual(parseFaultText('blackhole'), { type: 'blackhole', phase: 'request' });
    assert.deepEqual(parseFaultText('bandwidth=10kb/s'), { type: 'bandwidth', bytesPerSecond: 10_000 });
    assert.deepEqual(parseFaultText('drip=16/100ms'), {
      type: 'slow-body',
      chunkBytes: 16,
      interval: '100ms',
    });
    assert.deepEqual(parseFaultText('status=429,retry-after=3,op=createPayment'), {
      type: 'status',
      status: 429,
      retryAfter: 3,
      operation: 'createPayment',
    });
  });
  test('JSON is accepted as is', () => {
    assert.deepEqual(parseFaultText('{"type":"malformed","id":"m1"}'), { type: 'malformed', id: 'm1' });
  });
  test('mistakes are InputErrors that say where', () => {
    assert.throws(
      () => parseFaultText('status=200'),
      (e: unknown) => e instanceof InputError && /\/status/.test(e.message),
    );
    assert.throws(() => parseFaultText('rate=0.5'), /names no fault type/);
    assert.throws(() => parseFaultText('status=503,colour=red'), /unknown part "colour=red"/);
    assert.throws(() => parseFaultText('{"type":'), /not valid JSON/);
    assert.throws(() => parseFaultText('latency=fast'), /\/latency/);
  });
});

describe('validateFaults', () => {
  test('points into the list', () => {
    const r = validateFaults([{ type: 'reset' }, { type: 'status', status: 503, rate: 2 }, { type: 'nope' }]);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.issues.map((i) => i.pointer),
      ['/1/rate', '/2/type'],
    );
  });
  test('unknown keys are refused (strict)', () => {
    const r = validateFaults({ type: 'reset', sttaus: 1 });
    assert.equal(r.ok, false);
  });
});
