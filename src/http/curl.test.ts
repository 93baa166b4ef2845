import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shellQuote, toCurl } from './curl.js';

test('shellQuote leaves safe words alone and quotes the rest, single quotes included', () => {
  assert.equal(shellQuote('https://a.example/x'), 'https://a.example/x');
  assert.equal(shellQuote('https://a.example/x?y=1&z=2'), "'https://a.example/x?y=1&z=2'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(''), "''");
});

test('toCurl: method, headers, body and URL; computed headers left to curl', () => {
  const line = toCurl({
    method: 'post',
    url: 'https://a.example/orders',
    headers: {
      'content-type': 'application/json',
      'content-length': '9',
      'accept-encoding': 'gzip',
      'x-n': "a'b",
    },
    body: '{"a":"b"}',
  });
  assert.equal(
    line,
    `curl -X POST -H 'content-type: application/json' -H 'x-n: a'\\''b' --compressed --data-binary '{"a":"b"}' https://a.example/orders`,
  );
});

test('toCurl: GET needs no -X, HEAD uses --head, a body starting with @ is not read from a file', () => {
  assert.equal(toCurl({ method: 'GET', url: 'http://h/x', headers: {} }), 'curl http://h/x');
  assert.equal(toCurl({ method: 'HEAD', url: 'http://h/x', headers: {} }), 'curl --head http://h/x');
  assert.match(
    toCurl({ method: 'POST', url: 'http://h/x', headers: {}, body: '@etc/passwd' }),
    /--data-raw @etc\/passwd/,
  );
});
