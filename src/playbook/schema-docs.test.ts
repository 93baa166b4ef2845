import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { fakeKinds } from '../../test/fixtures/playbooks/support.js';
import { buildPlaybookSchema } from './schema.js';
import {
  checkExample,
  fieldsTable,
  type JsonSchema,
  referenceSections,
  toJsonSchema,
  typeName,
} from './schema-docs.js';

describe('schema docs', () => {
  test('a field table lists every field with type, required, default and description', () => {
    const table = fieldsTable(
      toJsonSchema(
        z.strictObject({
          name: z.string().describe('The name.'),
          retries: z.number().int().min(0).default(2).describe('How often | to retry.'),
          nested: z.strictObject({ deep: z.boolean().optional().describe('Deep flag.') }).optional(),
        }),
      ),
    );
    assert.match(table, /\| `name` \| string \| yes \| {2}\| The name\. \|/);
    assert.match(table, /\| `retries` \| integer \(≥ 0\) \| {2}\| `2` \| How often \\\| to retry\. \|/);
    assert.match(table, /\| `nested\.deep` \| boolean \| {2}\| {2}\| Deep flag\. \|/);
  });

  test('type names for durations, percentages, maps, lists and unions', () => {
    const js = toJsonSchema(buildPlaybookSchema(fakeKinds));
    const env = js.properties?.environments;
    assert.equal(typeName(env?.additionalProperties as JsonSchema), 'map');
    assert.equal(typeName(js.properties!.stages!), 'list of map');
    const targets = js.properties?.targets?.properties;
    assert.equal(typeName(targets!.errorRate!), 'percentage');
    assert.equal(typeName(targets!.latency!.properties!.p95!), 'duration');
    assert.equal(
      typeName(toJsonSchema(z.union([z.string(), z.array(z.number())]))),
      'string or list of number',
    );
  });

  test('synthesised check examples are valid options for their kind', () => {
    for (const kind of fakeKinds) {
      const example = parse(checkExample(kind)) as { checks: Record<string, unknown>[] };
      const options = example.checks[0]?.[kind.kind];
      assert.ok(kind.options.safeParse(options).success, `${kind.kind}: ${JSON.stringify(options)}`);
    }
    assert.equal(checkExample(fakeKinds[0]!), 'checks:\n  - health:\n      path: /health\n');
  });

  test('meta examples win over placeholders', () => {
    const kind = {
      kind: 'load',
      description: 'Load.',
      options: z.strictObject({ flow: z.string().meta({ examples: ['checkout'] }), rate: z.string() }),
    };
    assert.equal(checkExample(kind), 'checks:\n  - load:\n      flow: checkout\n      rate: <rate>\n');
  });

  test('every registered kind gets a section with its description and options', () => {
    const sections = referenceSections(fakeKinds);
    for (const kind of fakeKinds)
      assert.match(sections.kinds!, new RegExp(`### ${kind.kind}\\n\\n${kind.description}`));
    assert.match(
      sections.kinds!,
      /\| `path` \| string \| {2}\| `"\/health"` \| Path of the health endpoint\. \|/,
    );
    assert.match(sections.auth!, /#### `type: oauth2-client-credentials`/);
    assert.match(referenceSections([]).kinds!, /No check kinds were registered/);
  });
});
