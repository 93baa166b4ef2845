import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childSpan, newTrace, parseTraceparent } from './trace.js';

test('newTrace: W3C version 00, 16-byte trace id, 8-byte span id, sampled; unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const t = newTrace();
    assert.match(t.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(t.traceparent, `00-${t.traceId}-${t.spanId}-01`);
    seen.add(t.traceId);
  }
  assert.equal(seen.size, 1000);
});

test('childSpan keeps the trace id with a new span id', () => {
  const t = newTrace();
  const c = childSpan(t.traceId);
  assert.equal(c.traceId, t.traceId);
  assert.notEqual(c.spanId, t.spanId);
});

test('parseTraceparent accepts valid headers and rejects malformed or all-zero ids', () => {
  assert.deepEqual(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
  });
  assert.equal(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined);
  assert.equal(parseTraceparent('garbage'), undefined);
});
