import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import type { ReferenceResolver } from '../playbook/references.js';
import type { Environment, Playbook } from '../playbook/schema.js';
import { adhocTarget, detachedClient, type PreparedTarget, prepareTarget } from './prepare.js';

const TOKEN = 'tok-8c1f0e77a2b4';
const ENV_KEY = 'envkey-55aa31c9';

/** A playbook reference such as ${env.KEY}, written without a template-looking string literal. */
const ref = (kind: 'env' | 'secret', name: string) => `$${'{'}${kind}.${name}}`;

const resolver: ReferenceResolver = {
  env: (name) => ({ API_HOST: '127.0.0.1:9', KEY: ENV_KEY })[name],
  secret: (name) => ({ api_token: TOKEN })[name],
};

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gangway-prepare-'));
  await writeFile(join(dir, 'ca.pem'), 'PEM-CA');
});

const opened: PreparedTarget[] = [];
after(async () => {
  await Promise.all(opened.map((t) => t.http.close()));
  await rm(dir, { recursive: true, force: true });
});

function playbook(
  environments: Record<string, Partial<Environment>>,
  extra: Partial<Playbook> = {},
): Playbook {
  return { environments, baseDir: dir, ...extra } as unknown as Playbook;
}

async function prepare(
  pb: Playbook,
  name: string,
  headers?: Record<string, string>,
): Promise<PreparedTarget> {
  const target = await prepareTarget(pb, name, { resolver, version: '1.0.0', ...(headers && { headers }) });
  opened.push(target);
  return target;
}

describe('prepareTarget', () => {
  test('an unknown environment is an InputError naming the known ones', async () => {
    const pb = playbook({ sandbox: { baseUrl: 'http://a' }, production: { baseUrl: 'http://b' } });
    await assert.rejects(
      prepareTarget(pb, 'staging', { resolver, version: '1' }),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'cli.unknown-environment' &&
        /"staging" is not in the playbook \(known: sandbox, production\)/.test(error.message),
    );
  });

  test('a relative base URL is an InputError', async () => {
    await assert.rejects(
      prepareTarget(playbook({ sandbox: { baseUrl: '/api' } }), 'sandbox', { resolver, version: '1' }),
      (error: unknown) => error instanceof InputError && error.code === 'cli.bad-base-url',
    );
  });

  test('references resolved; secrets and auth env values registered with the redactor', async () => {
    const target = await prepare(
      playbook({
        sandbox: {
          baseUrl: `http://${ref('env', 'API_HOST')}/v1`,
          production: false,
          auth: { type: 'bearer', token: ref('secret', 'api_token') } as Environment['auth'],
          headers: { 'X-Api-Key': ref('env', 'KEY') },
          variables: { currency: 'EUR' },
        },
      }),
      'sandbox',
      {
        Authorization: 'Bearer cli-token-99f1',
        'X-Trace': 'x-trace-value',
        Accept: 'application/vnd.visible+json',
      },
    );
    assert.deepEqual(target.environment, {
      name: 'sandbox',
      baseUrl: 'http://127.0.0.1:9/v1',
      production: false,
      auth: { type: 'bearer', token: TOKEN },
      variables: { currency: 'EUR' },
      headerNames: ['X-Api-Key', 'Authorization', 'X-Trace', 'Accept'],
    });
    const text = target.redactor.text(
      `${TOKEN} cli-token-99f1 x-trace-value application/vnd.visible+json 127.0.0.1:9`,
    );
    assert.ok(!text.includes(TOKEN), text);
    assert.ok(!text.includes('cli-token-99f1'), text);
    assert.ok(!text.includes('x-trace-value'), 'command-line header values are secrets unless plainly not');
    assert.ok(
      text.includes('application/vnd.visible+json') && text.includes('127.0.0.1:9'),
      'non-secrets stay readable',
    );
  });

  test('env values used in auth are secrets too', async () => {
    const target = await prepare(
      playbook({
        sandbox: {
          baseUrl: 'http://127.0.0.1:9',
          auth: {
            type: 'api-key',
            in: 'header',
            name: 'X-Key',
            value: ref('env', 'KEY'),
          } as Environment['auth'],
        },
      }),
      'sandbox',
    );
    assert.ok(!target.redactor.text(`key=${ENV_KEY}`).includes(ENV_KEY));
  });

  test('TLS files are read relative to the playbook; a missing one is an InputError', async () => {
    const target = await prepare(
      playbook({ sandbox: { baseUrl: 'https://127.0.0.1:9', tls: { ca: 'ca.pem', insecure: false } } }),
      'sandbox',
    );
    assert.deepEqual(target.environment.tls, { ca: 'PEM-CA', insecure: false });
    await assert.rejects(
      prepareTarget(
        playbook({ sandbox: { baseUrl: 'https://127.0.0.1:9', tls: { ca: 'nope.pem', insecure: false } } }),
        'sandbox',
        { resolver, version: '1' },
      ),
      (error: unknown) =>
        error instanceof InputError && error.code === 'playbook.tls-file' && error.message.includes('CA'),
    );
  });

  test('no auth → auth none; no variables → empty', async () => {
    const target = await prepare(playbook({ sandbox: { baseUrl: 'http://127.0.0.1:9' } }), 'sandbox');
    assert.deepEqual(target.environment.auth, { type: 'none' });
    assert.deepEqual(target.environment.variables, {});
    assert.equal(target.environment.tls, undefined);
  });
});

describe('adhocTarget and detachedClient', () => {
  test('adhoc: base URL, headers (credentials hidden), insecure TLS', () => {
    const target = adhocTarget('https://127.0.0.1:9', {
      headers: { 'X-Api-Key': 'adhoc-key-4411', Accept: 'application/json' },
      insecure: true,
      version: '1',
    });
    opened.push(target);
    assert.equal(target.environment.name, 'cli');
    assert.deepEqual(target.environment.tls, { insecure: true });
    assert.deepEqual(target.environment.headerNames, ['X-Api-Key', 'Accept']);
    assert.ok(!target.redactor.text('adhoc-key-4411').includes('adhoc-key-4411'));
  });

  test('adhoc: a bad base URL is an InputError', () => {
    assert.throws(
      () => adhocTarget('not a url', { headers: {}, insecure: false, version: '1' }),
      (error: unknown) => error instanceof InputError && error.code === 'cli.bad-base-url',
    );
  });

  test('detached client has its own redactor', async () => {
    const { http, redactor } = detachedClient('1');
    assert.equal(redactor.text('plain'), 'plain');
    await http.close();
  });
});
