// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env.X} and ${secret.y} are the syntax under test.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fakeKinds, fixturesDir, rejection } from '../../test/fixtures/playbooks/support.js';
import { InputError } from '../core/errors.js';
import { loadPlaybook } from './load.js';
import {
  listReferences,
  type ReferenceResolver,
  resolveString,
  resolveValue,
  scanReferences,
} from './references.js';

const resolver = (env: Record<string, string>, secrets: Record<string, string>): ReferenceResolver => ({
  env: (name) => env[name],
  secret: (name) => secrets[name],
});

describe('scanReferences', () => {
  const rows: [string, string, string[], string[]][] = [
    ['plain text', 'no references here', [], []],
    [
      'env and secret',
      'a ${env.HOST} b ${secret.acme.prod-token}',
      ['env:HOST', 'secret:acme.prod-token'],
      [],
    ],
    ['escaped literal', 'price $${amount} and ${env.A}', ['env:A'], []],
    ['flow template is not a reference', '{{ uuid }} $.id', [], []],
    ['no namespace', '${foo}', [], ['"${foo}" is not a reference']],
    ['empty name', '${env.}', [], ['reference "${env.}" has no name']],
    ['empty reference', 'x ${}', [], ['empty reference "${}"']],
    ['unclosed', 'x ${secret.a', [], ['unclosed reference: "${" without "}"']],
    ['unknown namespace', '${secrets.a}', [], ['unknown reference namespace "secrets" in "${secrets.a}"']],
    ['bad name', '${env.9X}', [], ['invalid name "9X" in reference "${env.…}"']],
  ];
  for (const [name, text, refs, errors] of rows) {
    test(name, () => {
      const scan = scanReferences(text);
      assert.deepEqual(
        scan.references.map((r) => `${r.kind}:${r.name}`),
        refs,
      );
      assert.deepEqual(
        scan.errors.map((e) => e.message),
        errors,
      );
    });
  }

  test('suggests the namespace meant', () => {
    assert.equal(scanReferences('${secrte.x}').errors[0]?.hint, 'did you mean secret?');
  });
});

describe('resolveString', () => {
  test('substitutes values, unescapes $${ and returns the secret and env values used', () => {
    const r = resolveString(
      'Bearer ${secret.token} at ${env.HOST} costs $${price}',
      resolver({ HOST: 'api.example' }, { token: 's3cr3t' }),
    );
    assert.deepEqual(r, {
      value: 'Bearer s3cr3t at api.example costs ${price}',
      secrets: ['s3cr3t'],
      envValues: ['api.example'],
    });
  });

  test('a missing secret names the variable to set and never includes any value', () => {
    const values = resolver({ HOST: 'host-value-123' }, { other: 'other-secret-456' });
    const text = '${env.HOST} ${secret.other} ${secret.acme_token}';
    let error: unknown;
    try {
      resolveString(text, values);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'reference.unresolved');
    assert.equal(
      error.message,
      'secret "acme_token" is not set: set GANGWAY_SECRET_ACME_TOKEN or add it to the secrets file',
    );
    const everything = `${error.message} ${String(error.stack)} ${JSON.stringify(error)}`;
    assert.ok(!everything.includes('host-value-123'));
    assert.ok(!everything.includes('other-secret-456'));
  });

  test('a missing env variable and a malformed reference are InputErrors with stable codes', () => {
    assert.throws(
      () => resolveString('${env.NOPE}', resolver({}, {})),
      (e: unknown) =>
        e instanceof InputError && e.code === 'reference.unresolved' && /"NOPE" is not set/.test(e.message),
    );
    assert.throws(
      () => resolveString('${secret.ok} ${oops', resolver({}, { ok: 'value-789' })),
      (e: unknown) =>
        e instanceof InputError && e.code === 'reference.invalid' && !e.message.includes('value-789'),
    );
  });

  test('resolveValue resolves every string of a nested value', () => {
    const r = resolveValue(
      { type: 'basic', username: '${env.USER}', password: '${secret.pw}', list: ['${secret.pw}', 3] },
      resolver({ USER: 'u' }, { pw: 'p' }),
    );
    assert.deepEqual(r.value, { type: 'basic', username: 'u', password: 'p', list: ['p', 3] });
    assert.deepEqual(r.secrets, ['p', 'p']);
    assert.deepEqual(r.envValues, ['u']);
  });
});

describe('listReferences', () => {
  test('lists the references of a loaded playbook with their paths', async () => {
    const pb = await loadPlaybook(join(fixturesDir, 'valid.yaml'), { kinds: fakeKinds });
    assert.deepEqual(listReferences(pb), [
      { kind: 'secret', name: 'acme_sandbox_token', path: 'environments.sandbox.auth.token' },
    ]);
  });

  test('the loader rejects what resolveString would reject', async () => {
    const error = await rejection(loadPlaybook(join(fixturesDir, 'many-errors.yaml'), { kinds: fakeKinds }));
    assert.ok(error instanceof InputError);
    assert.ok(error.diagnostics.some((d) => d.path === 'environments.production.baseUrl'));
  });
});
