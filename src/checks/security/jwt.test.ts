import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expiredCopy, parseJwt, unsignedCopy } from './jwt.js';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const TOKEN = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'a', iat: 1000, exp: 5000 })}.c2lnbmF0dXJl`;

describe('forged JWTs', () => {
  test('an opaque token is not a JWT', () => {
    assert.equal(parseJwt('opaque-token-value'), undefined);
    assert.equal(unsignedCopy('a.b.c'), undefined);
  });

  test('the unsigned copy keeps the claims, says alg none and has no signature', () => {
    const forged = unsignedCopy(TOKEN)!;
    assert.ok(forged.endsWith('.'));
    const jwt = parseJwt(forged)!;
    assert.equal(jwt.header.alg, 'none');
    assert.deepEqual(jwt.claims, { sub: 'a', iat: 1000, exp: 5000 });
  });

  test('the expired copy moves exp an hour before now and keeps the old signature', () => {
    const now = 10_000_000;
    const jwt = parseJwt(expiredCopy(TOKEN, now)!)!;
    assert.equal(jwt.claims.exp, now / 1000 - 3600);
    assert.ok((jwt.claims.iat as number) < (jwt.claims.exp as number));
    assert.equal(jwt.signature, 'c2lnbmF0dXJl');
  });
});
