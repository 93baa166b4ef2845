import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadSpec } from './load.js';
import type { LoadedSpec } from './spec.js';
import type { ApiSpec, JsonSchema } from './types.js';
import { Validators } from './validator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'openapi');
const APIS = join(ROOT, 'test', 'fixtures', 'apis');
const GITHUB = join(ROOT, 'bench', '.cache', 'api.github.com.json');

/** Variations of a valid value: each breaks it a little, so both answers get exercised. */
function mutations(value: unknown): unknown[] {
  const out: unknown[] = [null, 'x', 12.5, -1, true, [], {}];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    for (const [k, v] of entries.slice(0, 6)) {
      const { [k]: _, ...without } = value as Record<string, unknown>;
      out.push(without);
      out.push({ ...value, [k]: typeof v === 'string' ? 7 : 'seven' });
      out.push({ ...value, [k]: null });
    }
    out.push({ ...value, unexpectedProperty: 1 });
  }
  if (Array.isArray(value)) out.push([...value, 'extra'], value.slice(1), [value[0], value[0]]);
  if (typeof value === 'string') out.push('', `${value}!`, value.repeat(50));
  if (typeof value === 'number') out.push(value + 0.5, value * 1000, -value);
  return out;
}

/** Every response and request body schema of the spec's operations. */
function schemasOf(
  spec: ApiSpec,
  limit: number,
): { schema: JsonSchema; direction: 'request' | 'response' }[] {
  const out: { schema: JsonSchema; direction: 'request' | 'response' }[] = [];
  for (const op of spec.operations) {
    for (const r of op.responses)
      for (const m of Object.values(r.content))
        if (m.schema) out.push({ schema: m.schema, direction: 'response' });
    for (const m of Object.values(op.requestBody?.content ?? {}))
      if (m.schema) out.push({ schema: m.schema, direction: 'request' });
    if (out.length >= limit) break;
  }
  return out;
}

/** The interpreter may say "don't know", never "valid" where ajv says invalid, nor "invalid" where ajv says valid. */
function assertAgreement(spec: LoadedSpec, limit: number): { decided: number; total: number } {
  const quick = new Validators((ref) => spec.lookup(ref), new WeakMap());
  const ajv = new Validators((ref) => spec.lookup(ref), new WeakMap());
  let decided = 0;
  let total = 0;
  for (const { schema, direction } of schemasOf(spec, limit)) {
    for (let seed = 0; seed < 3; seed++) {
      let valid: unknown;
      try {
        valid = spec.sample(schema, { seed, direction });
      } catch {
        continue;
      }
      for (const value of [valid, ...mutations(valid)]) {
        total += 1;
        const fast = quick.quickCheck(schema, value, direction);
        // The form ajv compiles (read below discriminators) must agree too.
        const converted = quick.quickCheckConverted(schema, value, direction);
        if (fast === undefined && converted === undefined) continue;
        decided += 1;
        const exact = ajv.validate(schema, value, direction).length === 0;
        const shown = JSON.stringify(value).slice(0, 200);
        if (fast !== undefined) assert.equal(fast, exact, `quick ${fast}, ajv ${exact} for ${shown}`);
        if (converted !== undefined) {
          assert.equal(converted, exact, `quick (converted) ${converted}, ajv ${exact} for ${shown}`);
        }
      }
    }
  }
  return { decided, total };
}

describe('quickValid agrees with ajv', () => {
  const files = [
    ...readdirSync(FIXTURES)
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !/broken|invalid|common/.test(f))
      .map((f) => join(FIXTURES, f)),
    ...readdirSync(APIS)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(APIS, f)),
    ...readdirSync(join(APIS, 'defects'))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(APIS, 'defects', f)),
    join(ROOT, 'examples', 'payments', 'openapi.yaml'),
  ];
  for (const file of files) {
    test(file.slice(ROOT.length + 1), async () => {
      const spec = (await loadSpec(file)) as LoadedSpec;
      const { decided, total } = assertAgreement(spec, 200);
      assert.ok(total === 0 || decided > 0, 'the interpreter decided some values');
    });
  }

  test('GitHub: 300 schemas, their samples and variations', {
    skip: existsSync(GITHUB) ? false : 'bench/.cache/api.github.com.json is absent',
  }, async () => {
    const spec = (await loadSpec(GITHUB)) as LoadedSpec;
    const { decided, total } = assertAgreement(spec, 300);
    assert.ok(decided > total / 2, `the interpreter decided ${decided} of ${total}`);
  });
});

test('readOnly properties are refused in requests and writeOnly ones in responses, by both', async () => {
  const spec = (await loadSpec(join(APIS, 'defects', 'helpdesk.yaml'))) as LoadedSpec;
  const ticket = spec.resolve({ $ref: '#/components/schemas/Ticket' });
  const v = new Validators((ref) => spec.lookup(ref), new WeakMap());
  const base = { subject: 's', priority: 'low', requester_email: 'a@b.co' };
  const stored = {
    ...base,
    id: '2f1c3c1e-7d7a-4d4e-9a44-1f2e3d4c5b6a',
    status: 'open',
    created_at: '2024-01-02T03:04:05Z',
  };
  const cases = [
    { value: { ...base, internal_note: 'n' }, direction: 'request', valid: true },
    { value: { ...base, status: 'open' }, direction: 'request', valid: false },
    { value: stored, direction: 'response', valid: true },
    { value: { ...stored, internal_note: 'n' }, direction: 'response', valid: false },
  ] as const;
  for (const c of cases) {
    assert.equal(v.quickCheck(ticket, c.value, c.direction), c.valid, JSON.stringify(c));
    const issues = v.validate(ticket, c.value, c.direction);
    assert.equal(issues.length === 0, c.valid, JSON.stringify(issues));
  }
  const [leak] = v.validate(ticket, { ...stored, internal_note: 'n' }, 'response');
  assert.equal(leak?.pointer, '/internal_note');
  assert.match(leak?.message ?? '', /writeOnly property 'internal_note' present in a response/);
});

describe('format uri: the plain-URL shortcut agrees with ajv', () => {
  test('answers true only where ajv-formats does, and leaves the rest to it', () => {
    const validators = new Validators(() => undefined, new WeakMap());
    const schema: JsonSchema = { type: 'string', format: 'uri' };
    const values = [
      'https://api.github.com/repos/octocat/Hello-World',
      'http://127.0.0.1:8080/a/b?c=d&e=%20#frag',
      'https://example.com',
      'HTTPS://EXAMPLE.COM/PATH',
      'https://exa mple.com/',
      'https://example.com/a b',
      'https://example.com/%zz',
      'https://[::1]:80/x',
      'https://user@example.com/',
      'https://example.com/{owner}',
      'https://example.com/a?b=c|d',
      'https://',
      'http:/relative',
      'mailto:someone@example.com',
      '/relative/path',
      'not a uri',
      '',
    ];
    for (const value of values) {
      const byAjv: boolean = validators.validator(schema, 'response')(value) === true;
      const quick = validators.quickCheck(schema, value, 'response');
      // The interpreter may defer (undefined) but never claims valid what ajv refuses, nor the reverse.
      if (quick !== undefined) assert.equal(quick, byAjv, value);
    }
  });
});
