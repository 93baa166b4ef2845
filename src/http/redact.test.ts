import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redactor } from './redact.js';

describe('Redactor', () => {
  test('headers: credentials hidden by name, the auth scheme and cookie names kept', () => {
    const r = new Redactor({ headers: ['X-Partner-Signature'], secrets: ['s3cr3t-value'] });
    assert.deepEqual(
      r.headers({
        Authorization: 'Bearer abc.def.ghi',
        'proxy-authorization': 'opaque',
        cookie: 'sid=123; theme=dark',
        'set-cookie': 'sid=9; Path=/; HttpOnly\nother=1',
        'x-api-key': 'k',
        'x-partner-signature': 'sig',
        'x-echo': 'contains s3cr3t-value here',
        accept: 'application/json',
      }),
      {
        Authorization: 'Bearer [REDACTED]',
        'proxy-authorization': '[REDACTED]',
        cookie: 'sid=[REDACTED]; theme=[REDACTED]',
        'set-cookie': 'sid=[REDACTED]; Path=/; HttpOnly\nother=[REDACTED]',
        'x-api-key': '[REDACTED]',
        'x-partner-signature': '[REDACTED]',
        'x-echo': 'contains [REDACTED] here',
        accept: 'application/json',
      },
    );
  });

  const textCases: [string, string, string][] = [
    ['JSON field', '{"password": "hunter2", "user":"ann"}', '{"password": "[REDACTED]", "user":"ann"}'],
    ['JSON field, any case', '{"Access_Token":"x.y.z"}', '{"Access_Token":"[REDACTED]"}'],
    ['escaped quote inside the value', '{"secret":"a\\"b","n":1}', '{"secret":"[REDACTED]","n":1}'],
    ['value cut off by truncation', '{"token":"abcdef', '{"token":"[REDACTED]'],
    [
      'JSON nested in a JSON string',
      '{"log":"{\\"password\\":\\"pw\\"}"}',
      '{"log":"{\\"password\\":\\"[REDACTED]\\"}"}',
    ],
    [
      'form body',
      'grant_type=x&client_secret=abc%20d&scope=a',
      'grant_type=x&client_secret=[REDACTED]&scope=a',
    ],
    [
      'similar names stay',
      '{"tokenizer":"bpe","next_token_hint":"x"}',
      '{"tokenizer":"bpe","next_token_hint":"x"}',
    ],
    ['configured field', '{"cardNumber":"4111"}', '{"cardNumber":"[REDACTED]"}'],
    ['registered secret anywhere', 'error: key abcd-1234-secret rejected', 'error: key [REDACTED] rejected'],
    ['URL-encoded secret', 'q=abcd-1234-secret%2B%2F', 'q=[REDACTED]'],
  ];
  for (const [name, input, expected] of textCases) {
    test(`text: ${name}`, () => {
      const r = new Redactor({ fields: ['cardNumber'], secrets: ['abcd-1234-secret', 'abcd-1234-secret+/'] });
      assert.equal(r.text(input), expected);
    });
  }

  test('addSecret: applies from then on; values under 4 characters are ignored', () => {
    const r = new Redactor();
    assert.equal(r.text('tok-9876 and abc'), 'tok-9876 and abc');
    r.addSecret('tok-9876');
    r.addSecret('abc');
    assert.equal(r.text('tok-9876 and abc'), '[REDACTED] and abc');
    assert.ok(r.margin >= 'tok-9876'.length);
  });

  const urlCases: [string, string][] = [
    ['https://user:pw@api.example/x', 'https://[REDACTED]@api.example/x'],
    ['https://a.example/p?api_key=1&page=2', 'https://a.example/p?api_key=[REDACTED]&page=2'],
    [
      'https://a.example/p?apiKey=1&X-Api-Key=2&sig=3',
      'https://a.example/p?apiKey=[REDACTED]&X-Api-Key=[REDACTED]&sig=[REDACTED]',
    ],
    ['https://a.example/p?access_token=1#frag', 'https://a.example/p?access_token=[REDACTED]#frag'],
    ['https://a.example/p?monkey=1&country_code=FR', 'https://a.example/p?monkey=1&country_code=FR'],
    ['https://a.example/keys/abcd-1234-secret', 'https://a.example/keys/[REDACTED]'],
  ];
  for (const [input, expected] of urlCases) {
    test(`url: ${input}`, () => {
      assert.equal(new Redactor({ secrets: ['abcd-1234-secret'] }).url(input), expected);
    });
  }
});
