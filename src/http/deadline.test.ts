import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deadline } from './deadline.js';

test('many requests in flight on one signal raise no listener-leak warning, and all stop when it aborts', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const controller = new AbortController();
    const deadlines = Array.from({ length: 32 }, () => new Deadline(60_000, controller.signal));
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(
      warnings.map((w) => w.name),
      [],
    );
    controller.abort();
    assert.ok(deadlines.every((d) => d.reason?.name === 'CancelledError'));
    for (const d of deadlines) d.dispose();
  } finally {
    process.off('warning', onWarning);
  }
});
