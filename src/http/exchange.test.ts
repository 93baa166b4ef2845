import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evidenceBody, isoTime } from './exchange.js';
import { Redactor } from './redact.js';

test('isoTime matches Date#toISOString', () => {
  for (const ms of [0, 999, 1000, 1_700_000_000_123, 1_700_000_000_999, 1_700_000_001_000, Date.now()]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString());
  }
});

test('evidenceBody: redacts before cutting, so a secret across the limit leaves no visible head', () => {
  const secret = 'SECRET-across-the-cut-0123';
  const r = new Redactor({ secrets: [secret] });
  const body = `${'a'.repeat(90)}${secret}${'b'.repeat(50)}`;
  const ev = evidenceBody(Buffer.from(body), 'text/plain', 100, r);
  assert.equal(ev.bodyTruncated, true);
  assert.equal(ev.body!.length, 100);
  assert.ok(!ev.body!.includes('SECRET-ac'), ev.body);
});

test('evidenceBody: binary content is described, not dumped', () => {
  const ev = evidenceBody(Buffer.from([0, 1, 2, 3]), 'image/png', 100, new Redactor());
  assert.equal(ev.body, '[4 bytes of image/png]');
});
