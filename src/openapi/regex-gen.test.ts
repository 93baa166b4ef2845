import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from './prng.js';
import { stringForPattern } from './regex-gen.js';

describe('stringForPattern', () => {
  const patterns = [
    '^\\d{4}$',
    '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$',
    '^(0[1-9]|1[0-2])/[0-9]{2}$',
    '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
    '^(?:\\+?1)?[2-9]\\d{2}-\\d{4}$',
    '^(?<year>\\d{4})-(\\d{2})$',
    '^([a-z])\\1$',
    '^[^abc]{3}$',
    'v\\d+\\.\\d+',
    '^\\w+\\s\\S+$',
    '^\\u00e9+$',
    '^[\\w-]{3,8}$',
    '^(?!foo)[a-z]{3}$',
    '^[a-zA-Z0-9_-]{1,40}$',
    '^t-[0-9]{3}$',
    '^https?://[a-z]+\\.example\\.com(/[a-z]*)*$',
    'a{2}b{0,1}c*?',
  ];
  for (const pattern of patterns) {
    test(`generates matches for ${pattern}`, () => {
      const re = new RegExp(pattern);
      for (let seed = 0; seed < 30; seed++) {
        const s = stringForPattern(pattern, createRng(seed));
        assert.ok(s !== undefined && re.test(s), `seed ${seed}: ${JSON.stringify(s)}`);
      }
    });
  }

  test('honours length bounds or gives up', () => {
    const s = stringForPattern('^[a-z]+$', createRng(1), 6, 6);
    assert.equal(s?.length, 6);
    assert.equal(stringForPattern('^a$', createRng(1), 5), undefined);
    assert.equal(stringForPattern('([unclosed', createRng(1)), undefined);
  });

  test('unbounded quantifiers shrink to fit a maximum length (AWS: ".*<uuid>.*", length 36)', () => {
    const uuid = '.*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*';
    for (let seed = 0; seed < 20; seed++) {
      const s = stringForPattern(uuid, createRng(seed), 36, 36);
      assert.ok(s !== undefined && s.length === 36 && new RegExp(uuid).test(s), `seed ${seed}: ${s}`);
    }
  });

  test('is deterministic for a seed', () => {
    const p = '^[A-Z]{3}-\\d{2,5}$';
    assert.equal(stringForPattern(p, createRng(7)), stringForPattern(p, createRng(7)));
    assert.notEqual(stringForPattern(p, createRng(7)), stringForPattern(p, createRng(8)));
  });
});
