// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { rejection, writeTree } from '../../test/fixtures/playbooks/support.js';
import { InputError } from '../core/errors.js';
import { resolveString } from './references.js';
import {
  combineSecretSources,
  createResolver,
  envSecretSource,
  fileSecretSource,
  secretEnvName,
} from './secrets.js';

describe('secrets', () => {
  test('environment names: GANGWAY_SECRET_ + upper case, other characters as _', () => {
    assert.equal(secretEnvName('acme_token'), 'GANGWAY_SECRET_ACME_TOKEN');
    assert.equal(secretEnvName('acme.prod-token'), 'GANGWAY_SECRET_ACME_PROD_TOKEN');
    const source = envSecretSource({ GANGWAY_SECRET_ACME_PROD_TOKEN: 'from-env' });
    assert.equal(source.secret('acme.prod-token'), 'from-env');
    assert.equal(source.secret('other'), undefined);
  });

  test('a YAML secrets file', async () => {
    const dir = await writeTree({ 's.yaml': 'acme_token: yaml-value\npin: 1234\n' });
    const source = await fileSecretSource(join(dir, 's.yaml'));
    assert.equal(source.secret('acme_token'), 'yaml-value');
    assert.equal(source.secret('pin'), '1234');
  });

  test('a JSON secrets file', async () => {
    const dir = await writeTree({ 's.json': '{ "acme.prod-token": "json-value" }' });
    const source = await fileSecretSource(join(dir, 's.json'));
    assert.equal(source.secret('acme.prod-token'), 'json-value');
  });

  test('a dotenv secrets file: quotes, export, comments, normalised names', async () => {
    const dir = await writeTree({
      '.env.secrets': [
        '# secrets for the sandbox',
        'export ACME_TOKEN=plain-value # comment',
        'GANGWAY_SECRET_PD_KEY="quoted \\"value\\"\\nline2"',
        "single='keep $ and # as is'",
        '',
      ].join('\n'),
    });
    const source = await fileSecretSource(join(dir, '.env.secrets'));
    assert.equal(
      source.secret('acme_token'),
      'plain-value',
      'lower-case reference finds the upper-case line',
    );
    assert.equal(source.secret('pd-key'), 'quoted "value"\nline2', 'the GANGWAY_SECRET_ prefix is optional');
    assert.equal(source.secret('single'), 'keep $ and # as is');
  });

  test('combined: the environment wins over the file, and resolution uses both', async () => {
    const dir = await writeTree({ 's.yaml': 'a: file-a\nb: file-b\n' });
    const secrets = combineSecretSources(
      envSecretSource({ GANGWAY_SECRET_A: 'env-a' }),
      await fileSecretSource(join(dir, 's.yaml')),
    );
    const r = resolveString(
      '${secret.a}/${secret.b}/${env.HOME_X}',
      createResolver(secrets, { HOME_X: 'h' }),
    );
    assert.deepEqual(r, { value: 'env-a/file-b/h', secrets: ['env-a', 'file-b'], envValues: ['h'] });
  });

  test('errors in a secrets file give positions, never values', async () => {
    const dir = await writeTree({
      'bad.yaml': 'good: first-value-1\nbad: "unterminated-value-2\n',
      'nested.yaml': 'ok: v\nnested: { not: allowed-value-3 }\n',
      'bad.env': 'A=ok\nthis is not a line with-value-4\n',
    });
    for (const [file, line] of [
      ['bad.yaml', 3], // YAML reports an unclosed quote where the file ends
      ['nested.yaml', 2],
      ['bad.env', 2],
    ] as const) {
      const error = await rejection(fileSecretSource(join(dir, file)));
      assert.ok(error instanceof InputError, file);
      assert.equal(error.code, 'secrets.invalid');
      assert.ok(
        error.diagnostics.some((d) => d.line === line),
        `${file}: ${JSON.stringify(error.diagnostics)}`,
      );
      assert.ok(
        !/value-\d/.test(error.message + JSON.stringify(error.diagnostics)),
        `${file}: ${error.message}`,
      );
    }
  });

  test('a missing secrets file is an InputError', async () => {
    const error = await rejection(fileSecretSource('/nonexistent/secrets.yaml'));
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'secrets.unreadable');
  });
});
