import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findLeaks, luhn, maskPan, maskSecret } from './patterns.js';

const kinds = (text: string, secrets: string[] = []) =>
  findLeaks(text, secrets).map((l) => `${l.kind}:${l.label}`);

describe('sensitive content patterns', () => {
  test('Luhn', () => {
    assert.equal(luhn('4111111111111111'), true);
    assert.equal(luhn('4111111111111112'), false);
    assert.equal(luhn('378282246310005'), true);
  });

  const rows: [string, string, string[]][] = [
    ['a Visa PAN', 'card 4111 1111 1111 1111 on file', ['card-number:card number (PAN)']],
    ['an Amex PAN with dashes', '3782-822463-10005', ['card-number:card number (PAN)']],
    ['a Luhn-invalid number', '4111111111111112', []],
    ['an epoch in milliseconds', '1732212345678', []],
    ['a phone-like run of one digit', '0000000000000000', []],
    ['an AWS access key', 'AKIAIOSFODNN7EXAMPLE', ['secret:AWS access key id']],
    ['a GitHub token', `ghp_${'a'.repeat(36)}`, ['secret:GitHub token']],
    ['a Slack token', 'xoxb-123456789012-abcdefghij', ['secret:Slack token']],
    ['a Stripe key', `sk_live_${'4'.repeat(24)}`, ['secret:Stripe secret key']],
    [
      'a private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
      ['private-key:private key'],
    ],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig', ['token:JSON Web Token']],
    [
      'a Java trace',
      'java.lang.NullPointerException: x\n\tat com.acme.Foo.bar(Foo.java:42)',
      ['stack-trace:Java stack trace'],
    ],
    [
      'a Python traceback',
      'Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>',
      ['stack-trace:Python traceback'],
    ],
    ['a Node trace', 'TypeError: x\n    at route (/srv/app.js:10:5)', ['stack-trace:Node.js stack trace']],
    ['a .NET trace', '   at Acme.Api.Get() in C:\\src\\Api.cs:line 42', ['stack-trace:.NET stack trace']],
    [
      'a Go panic',
      'panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d',
      ['stack-trace:Go panic'],
    ],
    [
      'a PHP error',
      'PHP Fatal error:  Uncaught Exception in /var/www/index.php:12',
      ['stack-trace:PHP error'],
    ],
    ['an SQL error', 'SQLSTATE[42000]: Syntax error', ['sql-error:SQL error']],
    [
      'a Django debug page',
      "You're seeing this error because you have <code>DEBUG = True</code>",
      ['debug-page:framework debug page'],
    ],
    ['a private address', 'upstream 10.1.2.3 failed', ['private-ip:private IP address']],
    ['a public address', 'from 8.8.8.8', []],
    ['a version number', 'v10.1.2.3', []],
    ['an internal host', 'db-1.payments.svc.cluster.local', ['internal-host:internal host name']],
    ['a UUID', '0b5c7a52-6a3e-4c5e-9d55-2f4b8c1d6e7f', []],
  ];
  for (const [name, text, expected] of rows) {
    test(`finds ${name}`, () => assert.deepEqual(kinds(text), expected));
  }

  test('the configured credential echoed back is found, and its excerpt does not hold it', () => {
    const secret = 'super-secret-token-123';
    const leaks = findLeaks(`{"echo":"${secret}"}`, [secret]);
    assert.deepEqual(
      leaks.map((l) => l.kind),
      ['credential-echo'],
    );
    assert.ok(!leaks[0]!.excerpt.includes(secret));
  });

  test('masks never show a secret whole', () => {
    assert.equal(maskPan('4111 1111 1111 1111'), '************1111');
    const masked = maskSecret('AKIAIOSFODNN7EXAMPLE');
    assert.ok(!masked.includes('AKIAIOSFODNN7EXAMPLE'));
    assert.ok(masked.startsWith('AKIA'));
  });
});
