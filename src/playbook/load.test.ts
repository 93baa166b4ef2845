// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env.X} and ${secret.y} are playbook syntax.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fakeKinds, fixturesDir, rejection, writeTree } from '../../test/fixtures/playbooks/support.js';
import type { Diagnostic } from '../core/errors.js';
import { InputError } from '../core/errors.js';
import { loadPlaybook } from './load.js';

const kinds = fakeKinds;

async function diagnosticsOf(text: string, extra: Record<string, string> = {}): Promise<Diagnostic[]> {
  const dir = await writeTree({ 'playbook.yaml': text, 'openapi.yaml': 'openapi: 3.1.0\n', ...extra });
  const error = await rejection(loadPlaybook(join(dir, 'playbook.yaml'), { kinds }));
  assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
  assert.equal(error.code, 'playbook.invalid');
  return error.diagnostics;
}

const HEAD = 'playbook: p\nversion: 1.0.0\n';

describe('loadPlaybook: valid playbooks', () => {
  test('loads and normalises stages and check entries', async () => {
    const file = join(fixturesDir, 'valid.yaml');
    const pb = await loadPlaybook(file, { kinds });
    assert.equal(pb.file, file);
    assert.equal(pb.baseDir, fixturesDir);
    assert.equal(pb.playbook, 'acme-payments');
    assert.equal(pb.api?.spec, './openapi.yaml');
    assert.equal(pb.environments.sandbox?.production, false, 'defaults are applied');
    assert.deepEqual(
      pb.stages.map((s) => [s.id, s.environment, s.signoff]),
      [
        ['readiness', undefined, ['security']],
        ['sandbox', 'sandbox', ['onboarding', 'partner']],
      ],
    );
    const [health, flow, again] = pb.stages[1]!.checks;
    assert.deepEqual(health, {
      id: 'health',
      kind: 'health',
      required: false,
      timeoutMs: 30_000,
      options: { path: '/status' },
      baseDir: fixturesDir,
    });
    assert.deepEqual(
      [flow?.id, flow?.options, flow?.timeoutMs, flow?.required],
      ['flow:checkout', 'checkout', 300_000, true],
    );
    assert.deepEqual([again?.id, again?.options], ['checkout-again', { flow: 'checkout' }]);
    assert.deepEqual(
      pb.stages[0]!.checks[0]?.options,
      { path: '/health' },
      'a string entry gets default options',
    );
  });

  test('`- kind:` with no value means default options; api.spec may be a URL', async () => {
    const dir = await writeTree({
      'p.yaml': `${HEAD}api: { spec: https://example.com/openapi.json }\nstages:\n  - id: a\n    checks:\n      - health:\n      - tls: { minDaysLeft: 10 }\n`,
    });
    const pb = await loadPlaybook(join(dir, 'p.yaml'), { kinds });
    assert.deepEqual(
      pb.stages[0]!.checks.map((c) => c.options),
      [{ path: '/health' }, { minDaysLeft: 10 }],
    );
  });

  test('$${ is a literal and passes validation', async () => {
    const dir = await writeTree({
      'p.yaml': `${HEAD}environments:\n  e: { baseUrl: "https://x.example/$\${not-a-ref}", headers: { X-A: "\${env.A}" } }\n`,
    });
    const pb = await loadPlaybook(join(dir, 'p.yaml'), { kinds });
    assert.equal(
      pb.environments.e?.baseUrl,
      'https://x.example/$${not-a-ref}',
      'kept unresolved until run time',
    );
  });
});

describe('loadPlaybook: positions and messages', () => {
  test('a mistake on line 17 is reported at line 17 and the column of the value', async () => {
    const lines = [
      'playbook: acme', // 1
      'version: 1.0.0',
      'owners:',
      '  security: sec@example.com',
      'environments:', // 5
      '  sandbox:',
      '    baseUrl: https://sandbox.example',
      'flows:',
      '  checkout:',
      '    - call: createPayment', // 10
      'stages:',
      '  - id: readiness',
      '    checks:',
      '      - health',
      '  - id: sandbox', // 15
      '    environment: sandbox',
      '    checks: [ { health: { path: 42 } } ]', // 17
    ];
    const diagnostics = await diagnosticsOf(`${lines.join('\n')}\n`);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d?.line, 17);
    assert.equal(d?.column, lines[16]!.indexOf('42') + 1);
    assert.equal(d?.path, 'stages[1].checks[0].health.path');
    assert.match(d?.message ?? '', /expected a string, got the number 42/);
    assert.ok(d?.file.endsWith('playbook.yaml'));
  });

  test('reports every mistake of a file in one pass, each at its own line', async () => {
    const error = await rejection(loadPlaybook(join(fixturesDir, 'many-errors.yaml'), { kinds }));
    assert.ok(error instanceof InputError);
    const at = error.diagnostics.map(
      (d) => `${d.line}:${d.column} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`,
    );
    const expected: [string, RegExp][] = [
      ['2:10', /expected a string, got the number 3\.2 \| quote it/],
      ['4:9', /API spec file not found: \.\/missing-openapi\.yaml/],
      ['9:19', /unknown auth type "beaer"; expected one of: .*bearer.* \| did you mean bearer\?/],
      ['11:14', /malformed reference: "\$\{foo\}" is not a reference/],
      ['12:11', /missing required key "token" in environments\.production\.auth/],
      ['12:27', /unknown key "tokne" .* \| did you mean token\?/],
      ['13:14', /expected a duration/],
      ['17:45', /unknown key "eqq" .* \| did you mean eq\?/],
      ['20:18', /environment "sandbx", which is not declared \| did you mean sandbox\?/],
      ['22:9', /unknown key "heatlh" in stages\[0\]\.checks\[0\] \| did you mean health\?/],
      ['23:9', /unknown check kind "lnt"; known kinds: health, flow, tls/],
      ['24:25', /expected a string, got the number 42/],
      ['24:29', /unknown key "extra" .* \| allowed keys: path/],
      ['25:9', /duplicate check id "health" .* \| add `id:`/],
      ['26:15', /flow "chekout" is not declared \| did you mean checkout\?/],
      ['27:9', /check "flow" has required options/],
      ['28:9', /check entry has 2 kinds \(health, flow\)/],
      ['30:15', /sign-off role "secuirty" is not declared in owners \| did you mean security\?/],
      ['31:9', /duplicate stage id "sandbox"/],
    ];
    for (const [pos, pattern] of expected) {
      assert.ok(
        at.some((line) => line.startsWith(`${pos} `) && pattern.test(line)),
        `missing ${pos} ${pattern} in:\n${at.join('\n')}`,
      );
    }
    assert.equal(at.length, expected.length, at.join('\n'));
    assert.match(error.message, /19 problems\n/);
    assert.match(
      error.message,
      /many-errors\.yaml:22:9: unknown key "heatlh"/,
      'the message lists every diagnostic',
    );
  });

  test('unknown kinds: string entries list the known kinds and suggest the closest', async () => {
    const [d] = await diagnosticsOf(`${HEAD}stages:\n  - id: a\n    checks:\n      - helth\n`);
    assert.equal(d?.message, 'unknown check kind "helth"; known kinds: health, flow, tls');
    assert.equal(d?.hint, 'did you mean health?');
    assert.deepEqual([d?.line, d?.column], [6, 9]);
  });

  test('a map entry without a kind, and a check meta key misspelt', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}stages:\n  - id: a\n    checks:\n      - { id: x }\n      - { health: {}, tiemout: 5s }\n`,
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.message, d.hint]),
      [
        [6, 9, 'check entry has no kind key; known kinds: health, flow, tls', undefined],
        [7, 23, 'unknown key "tiemout" in stages[0].checks[1]', 'did you mean timeout?'],
      ],
    );
  });

  test('YAML syntax errors carry line and column and do not echo the source', async () => {
    const diagnostics = await diagnosticsOf(`${HEAD}environments:\n  e: { baseUrl: "https://x\n`);
    assert.ok(diagnostics.length >= 1);
    assert.match(diagnostics[0]!.message, /^YAML syntax error: /);
    assert.ok(diagnostics[0]!.line >= 4);
    assert.ok(!diagnostics.some((d) => d.message.includes('https://x')));
  });

  test('a flow expectation with an invalid regular expression is reported where it is written', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}flows:\n  f:\n    - call: getThing\n      expect:\n        body:\n          $.id: { matches: "([a-z" }\n`,
    );
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.line, 8);
    assert.match(diagnostics[0]!.message, /not a valid regular expression/);
  });

  test('an unquoted reference inside a flow map gets a quoting hint', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}environments:\n  e: { baseUrl: https://x, auth: { type: bearer, token: ${'$'}{secret.t} } }\n`,
    );
    assert.ok(diagnostics.length <= 3, 'echoes of the first syntax error are cut');
    assert.equal(diagnostics[0]?.line, 4);
    assert.match(diagnostics[0]?.hint ?? '', /quote references/);
  });

  test('values under credential keys are never echoed in messages or hints', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}environments:\n  e:\n    baseUrl: https://x.example\n    auth: { type: basic, username: u, password: 987654 }\n    headers: { X-Api-Key: 123456 }\n`,
    );
    assert.equal(diagnostics.length, 2);
    const text = JSON.stringify(diagnostics);
    assert.ok(!text.includes('987654') && !text.includes('123456'), text);
    assert.equal(diagnostics[0]?.hint, 'quote it to make it a string');
  });

  test('top-level and environment typos get suggestions', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}environments:\n  e: { baseURL: https://x.example }\nstagse: []\n`,
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.message, d.hint]),
      [
        [4, 6, 'missing required key "baseUrl" in environments.e', undefined],
        [4, 8, 'unknown key "baseURL" in environments.e', 'did you mean baseUrl?'],
        [5, 1, 'unknown key "stagse" at the top level', 'did you mean stages?'],
      ],
    );
  });

  test('an empty file is one clear error', async () => {
    const diagnostics = await diagnosticsOf('# nothing yet\n');
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['the playbook is empty'],
    );
  });

  test('missing required keys point at the map that lacks them', async () => {
    const diagnostics = await diagnosticsOf('title: no id\nstages: []\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.message]),
      [
        [1, 1, 'missing required key "playbook" at the top level'],
        [1, 1, 'missing required key "version" at the top level'],
      ],
    );
  });
});

describe('loadPlaybook: semantic rules', () => {
  test('two checks of one kind need ids; explicit ids make them distinct', async () => {
    const base = `${HEAD}stages:\n  - id: a\n    checks:\n      - health\n`;
    const [dup] = await diagnosticsOf(`${base}      - health: { path: /ready }\n`);
    assert.equal(dup?.message, 'duplicate check id "health" in stages[0]');
    assert.deepEqual([dup?.line, dup?.column], [7, 9]);
    assert.match(dup?.hint ?? '', /add `id:`.*playbook\.yaml:6/);

    const dir = await writeTree({ 'p.yaml': `${base}      - health: { path: /ready }\n        id: ready\n` });
    const pb = await loadPlaybook(join(dir, 'p.yaml'), { kinds });
    assert.deepEqual(
      pb.stages[0]!.checks.map((c) => c.id),
      ['health', 'ready'],
    );
  });

  test('two flow checks on different flows get distinct default ids; unknown flows are errors', async () => {
    const flows = 'flows:\n  a: [ { call: x } ]\n  b: [ { call: y } ]\n';
    const stages =
      'stages:\n  - id: s\n    checks: [ { flow: a }, { flow: { flow: b } }, { flow: { flow: c } } ]\n';
    const [d] = await diagnosticsOf(`${HEAD}${flows}${stages}`);
    assert.equal(d?.message, 'flow "c" is not declared');
    assert.equal(d?.path, 'stages[0].checks[2].flow.flow');
    const dir = await writeTree({
      'p.yaml': `${HEAD}${flows}${stages.replace(', { flow: { flow: c } }', '')}`,
    });
    const pb = await loadPlaybook(join(dir, 'p.yaml'), { kinds });
    assert.deepEqual(
      pb.stages[0]!.checks.map((c) => c.id),
      ['flow:a', 'flow:b'],
    );
  });

  test('sign-off roles must be owners or partner', async () => {
    const diagnostics = await diagnosticsOf(
      `${HEAD}owners: { security: s@example.com }\nstages:\n  - id: a\n    signoff: [security, partner, legal]\n`,
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.path, d.message, d.hint]),
      [
        [
          'stages[0].signoff[2]',
          'sign-off role "legal" is not declared in owners',
          'add it to owners (e.g. owners: { legal: team@example.com }) or use "partner"',
        ],
      ],
    );
  });
});

describe('loadPlaybook: references', () => {
  test('malformed references are errors at the column of the "${"', async () => {
    const lines = [
      'playbook: p',
      'version: 1.0.0',
      'environments:',
      '  e:',
      '    baseUrl: https://${env.}/x',
      "    headers: { A: '${secret.ok} ${foo}', B: \"x ${env.HOST\", C: '$${literal}' }",
    ];
    const diagnostics = await diagnosticsOf(`${lines.join('\n')}\n`);
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.message]),
      [
        [5, lines[4]!.indexOf('${') + 1, 'malformed reference: reference "${env.}" has no name'],
        [6, lines[5]!.indexOf('${foo}') + 1, 'malformed reference: "${foo}" is not a reference'],
        [6, lines[5]!.indexOf('${env.HOST') + 1, 'malformed reference: unclosed reference: "${" without "}"'],
      ],
    );
  });
});
