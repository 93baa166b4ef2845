import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, credentialOf, fingerprint } from './identity.js';

test('clientOf: the client header first, a static credential next, the peer for bearer tokens', () => {
  const key = { 'x-api-key': 'k-123' };
  const fp = fingerprint(credentialOf(key, new URLSearchParams()) ?? '');
  assert.equal(clientOf({ ...key, 'x-client-id': 'shop-7' }, 'x-client-id', fp, '10.0.0.5'), 'shop-7');
  assert.equal(clientOf(key, 'x-client-id', fp, '10.0.0.5'), `credential:${fp}`);
  const bearer = { authorization: 'Bearer eyJhbGciOi.fresh-per-call' };
  assert.equal(clientOf(bearer, 'x-client-id', fingerprint('Bearer x'), '10.0.0.5'), 'peer:10.0.0.5');
  assert.equal(clientOf({}, undefined, undefined, undefined), 'peer:unknown');
});
