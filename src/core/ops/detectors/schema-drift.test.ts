import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SampleFinding } from '../types.js';
import { configOf, play, type Scenario } from './scenario.test-helper.js';
import { schemaDrift } from './schema-drift.js';

const drift = (operation: string, pointer: string, code = 'response.body.schema'): SampleFinding => ({
  code,
  severity: 'error',
  message: `${pointer} does not match`,
  operation,
  pointer,
});
const failed = (...findings: SampleFinding[]) => ({ outcome: 'failed' as const, findings });
const config = configOf('schema-drift', { codes: [] });

const rows: Scenario<'schema-drift'>[] = [
  {
    name: 'one problem per operation, with operation, pointer and first seen',
    config,
    steps: [[0, failed(drift('getNote', '/title'), drift('listNotes', '/items/0/id'))]],
    expect: ['trigger@0', 'trigger@0'],
    check: ([a, b]) => {
      assert.equal(a!.dedupKey, 'det:api:production:getNote');
      assert.equal(b!.dedupKey, 'det:api:production:listNotes');
      assert.equal(a!.signature, 'schema-drift:getNote:/title');
      assert.equal(a!.details['operation'], 'getNote');
      assert.equal(a!.details['pointer'], '/title');
      assert.equal(a!.details['firstSeen'], a!.at);
      assert.equal(a!.title, 'Schema drift in getNote on api (production)');
    },
  },
  {
    name: 'the same drift again is quiet; a new pointer of the operation is an update',
    config,
    steps: [
      [0, failed(drift('getNote', '/title'))],
      [60, failed(drift('getNote', '/title'))],
      [120, failed(drift('getNote', '/title'), drift('getNote', '/body'))],
      [180, failed(drift('getNote', '/body'))],
    ],
    expect: ['trigger@0', 'update@120'],
    check: (signals) => {
      const update = signals[1]!;
      assert.equal(update.signature, 'schema-drift:getNote:/title', 'the incident keeps its signature');
      assert.deepEqual(update.details['newPointers'], ['/body']);
      assert.match(update.summary, /at \/title, \/body/);
    },
  },
  {
    name: 'clean samples recover the operation; errored ones do not',
    config,
    steps: [
      [0, failed(drift('getNote', '/title'))],
      [60, { outcome: 'errored', error: { code: 'ECONNREFUSED', message: 'refused' } }],
      [120, { outcome: 'errored', error: { code: 'ECONNREFUSED', message: 'refused' } }],
      [180, { outcome: 'passed' }],
      [240, { outcome: 'failed', findings: [drift('other', '/x', 'response.server-error')] }],
    ],
    expect: ['trigger@0', 'recover@240'],
  },
  {
    name: 'drift of another operation does not clear this one',
    config,
    steps: [
      [0, failed(drift('getNote', '/title'))],
      [60, failed(drift('getNote', '/title'), drift('listNotes', '/a'))],
      [120, failed(drift('listNotes', '/a'))],
      [180, failed(drift('listNotes', '/a'))],
    ],
    expect: ['trigger@0', 'trigger@60', 'recover@180'],
    check: (signals) => assert.equal(signals[2]!.dedupKey, 'det:api:production:getNote'),
  },
  {
    name: 'server errors, timeouts and slow responses are not drift by default',
    config,
    steps: [
      [
        0,
        failed(
          drift('getNote', 'status', 'response.server-error'),
          drift('getNote', '', 'response.none'),
          drift('getNote', '', 'response.slow'),
          drift('getNote', '/x', 'negative.accepted'),
        ),
      ],
    ],
    expect: [],
  },
  {
    name: 'under a broad "response." prefix, server errors and timeouts are still not drift',
    config: configOf('schema-drift', { codes: ['response.'] }),
    steps: [
      [0, failed(drift('getNote', 'status', 'response.server-error'), drift('getNote', '', 'response.none'))],
      [60, failed(drift('getNote', '/title', 'response.body.schema'))],
    ],
    expect: ['trigger@60'],
  },
  {
    name: 'a code listed in full counts even when it is not drift by default',
    config: configOf('schema-drift', { codes: ['response.slow'] }),
    steps: [[0, failed(drift('getNote', '', 'response.slow'))]],
    expect: ['trigger@0'],
  },
  {
    name: 'configured code prefixes replace the default',
    config: configOf('schema-drift', { codes: ['response.header.'] }),
    steps: [
      [0, failed(drift('getNote', '/title'), drift('getNote', 'header:ETag', 'response.header.missing'))],
    ],
    expect: ['trigger@0'],
    check: (signals) => assert.equal(signals[0]!.details['pointer'], 'header:ETag'),
  },
  {
    name: 'drift again soon after the recovery re-opens the same key, flagged flapping',
    config,
    steps: [
      [0, failed(drift('getNote', '/title'))],
      [60, { outcome: 'passed' }],
      [120, { outcome: 'passed' }],
      [180, failed(drift('getNote', '/title'))],
    ],
    expect: ['trigger@0', 'recover@120', 'trigger@180'],
    check: (signals) => {
      assert.equal(signals[2]!.details['flapping'], true);
      assert.equal(signals[2]!.details['firstSeen'], signals[0]!.at, 'first seen is the first time ever');
    },
  },
];

describe('schema-drift detector', () => {
  for (const row of rows) {
    test(row.name, () => {
      const { trace, signals } = play(schemaDrift, row.config, row.steps);
      assert.deepEqual(trace, row.expect);
      for (const s of signals) assert.equal(s.detectorKind, 'schema-drift');
      row.check?.(signals);
    });
  }

  test('pointers and operations stay bounded', () => {
    const steps = Array.from(
      { length: 2000 },
      (_, i) => [i, failed(drift(`op${i % 500}`, `/p${i}`))] as [number, ReturnType<typeof failed>],
    );
    const { state } = play(schemaDrift, config, steps);
    const ops = Object.values(state.monitors['api:production']!.ops);
    assert.ok(ops.length <= 200, `${ops.length} operations`);
    assert.ok(ops.every((op) => op.pointers.length <= 20));
  });
});
