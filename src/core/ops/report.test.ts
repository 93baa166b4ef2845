import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXAMPLE_CONFIG, latencySignal, SEV1 } from './incident-fixtures.js';
import { type IncidentRecord, recordFromState, type TimelineEntry } from './incident-record.js';
import { simulate } from './incident-simulate.js';
import { postIncidentReport } from './report.js';
import { escapeMarkdown, formatSpan } from './report-format.js';

const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);
const M = 60_000;

function record(partial: Partial<IncidentRecord>): IncidentRecord {
  return {
    id: 'inc-1',
    title: 'Latency spike on api-health',
    severity: 'SEV1',
    status: 'resolved',
    problemStatement: '',
    impact: null,
    partners: [],
    components: [],
    environment: 'production',
    production: true,
    detectorId: null,
    detectorKind: null,
    signature: null,
    playbook: null,
    playbookVersion: null,
    runbook: null,
    startedAt: null,
    triggeredAt: T0,
    acknowledgedAt: null,
    firstAttemptAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    breaches: [],
    ...partial,
  };
}

describe('postIncidentReport', () => {
  test('a resolved SEV1: times against targets, timeline, changes, steps, follow-ups, user text escaped', () => {
    const incident = record({
      title: 'Latency spike on *api-health*',
      problemStatement: 'p95 latency of GET /notes rose to 2.3s.\n# not a heading\n1. not a list',
      impact: 'Partner <b>acme</b> saw timeouts | retries',
      partners: ['acme'],
      components: ['notes-api'],
      detectorId: 'slow',
      detectorKind: 'latency-spike',
      signature: 'latency-spike:api-health',
      playbook: 'acme-notes',
      playbookVersion: '3.2.0',
      runbook: 'latency-spike',
      startedAt: T0 - 4 * M,
      acknowledgedAt: T0 + 20 * M,
      firstAttemptAt: T0 + 25 * M,
      resolvedAt: T0 + 95 * M,
    });
    const timeline = [
      {
        at: T0 + 30 * M,
        type: 'runbook-step',
        actor: 'alice',
        message: 'Step 2: drained [eu-west]',
        data: {},
      },
      { at: T0, type: 'triggered', actor: 'detector:slow', message: 'p95 2300ms > 800ms', data: {} },
      {
        at: T0 + 25 * M,
        type: 'action',
        actor: 'throttle',
        message: 'throttle webhook answered 200',
        data: {},
      },
    ];
    const report = postIncidentReport(incident, timeline, {
      targets: {
        detect: 5 * M,
        acknowledge: 15 * M,
        firstResolutionAttempt: 60 * M,
        mitigate: 120 * M,
        resolve: 240 * M,
      },
      changes: [
        {
          id: 'c1',
          at: T0 - 30 * M,
          kind: 'deploy',
          summary: 'gateway 1.4.2',
          actor: 'ci',
          url: 'https://ci.example/1',
        },
      ],
      followUps: [
        {
          title: 'Alert on p95 earlier',
          owner: 'bob',
          dueAt: T0 + 7 * 24 * 60 * M,
          status: 'open',
          url: null,
        },
      ],
      now: T0 + 100 * M,
    });
    assert.equal(
      report,
      `# Incident inc-1: Latency spike on \\*api-health\\*

| Field | Value |
| --- | --- |
| Severity | SEV1 |
| Status | resolved |
| Triggered | 2025-06-01 10:00:00Z |
| Detector | slow (latency-spike) |
| Signature | latency-spike:api-health |
| Playbook | acme-notes 3.2.0 |
| Runbook | latency-spike |

## Problem statement

p95 latency of GET /notes rose to 2.3s.
\\# not a heading
1\\. not a list

## Impact

- Partners: acme
- Components: notes-api
- Environment: production (marked production)

Partner \\<b\\>acme\\</b\\> saw timeouts \\| retries

## Response times

| Milestone | Time | Took | Target | Result |
| --- | --- | --- | --- | --- |
| Detection | 2025-06-01 10:00:00Z | 4m | 5m | met |
| Acknowledgement | 2025-06-01 10:20:00Z | 20m | 15m | missed by 5m |
| First resolution attempt | 2025-06-01 10:25:00Z | 25m | 1h | met |
| Mitigation | 2025-06-01 11:35:00Z (at resolution) | 1h 35m | 2h | met |
| Resolution | 2025-06-01 11:35:00Z | 1h 35m | 4h | met |

Detection is measured from the start of the problem, the others from the trigger.

## Timeline

| Time | Since trigger | Event | By | What |
| --- | --- | --- | --- | --- |
| 2025-06-01 10:00:00Z | +0s | triggered | detector:slow | p95 2300ms \\> 800ms |
| 2025-06-01 10:25:00Z | +25m | action | throttle | throttle webhook answered 200 |
| 2025-06-01 10:30:00Z | +30m | runbook-step | alice | Step 2: drained \\[eu-west\\] |

## Linked changes

| Time | Kind | Change | By |
| --- | --- | --- | --- |
| 2025-06-01 09:30:00Z | deploy | [gateway 1.4.2](https://ci.example/1) | ci |

## Runbook steps taken

1. 2025-06-01 10:25:00Z — throttle webhook answered 200 (action by throttle)
2. 2025-06-01 10:30:00Z — Step 2: drained \\[eu-west\\] (runbook-step by alice)

## Follow-ups

| Follow-up | Owner | Due | Status |
| --- | --- | --- | --- |
| Alert on p95 earlier | bob | 2025-06-08 | open |
`,
    );
  });

  test('an open incident: unknown start, milestones pending or missed so far, no unsafe links, overdue work', () => {
    const incident = record({
      id: 'inc-2',
      title: 'Schema drift',
      severity: 'SEV3',
      status: 'acknowledged',
      environment: 'sandbox',
      production: false,
      detectorKind: 'schema-drift',
      acknowledgedAt: T0 + 5 * M,
    });
    const report = postIncidentReport(incident, [], {
      targets: { acknowledge: 15 * M, firstResolutionAttempt: 60 * M, resolve: null },
      changes: [
        { id: 'c1', at: T0 - 30 * M, kind: 'config', summary: 'x', actor: null, url: 'javascript:alert(1)' },
      ],
      followUps: [
        { title: 'Doc', owner: 'al', dueAt: null, status: 'done', url: null },
        { title: 'Fix', owner: 'bob', dueAt: T0 + 60 * M, status: 'open', url: 'https://t.example/1' },
      ],
      now: T0 + 90 * M,
    });
    assert.equal(
      report,
      `# Incident inc-2: Schema drift

| Field | Value |
| --- | --- |
| Severity | SEV3 |
| Status | acknowledged |
| Triggered | 2025-06-01 10:00:00Z |
| Detector | schema-drift |

## Problem statement

_Not recorded._

## Impact

- Partners: —
- Components: —
- Environment: sandbox

_Not recorded._

## Response times

| Milestone | Time | Took | Target | Result |
| --- | --- | --- | --- | --- |
| Detection | 2025-06-01 10:00:00Z | — | — | not measured (start unknown) |
| Acknowledgement | 2025-06-01 10:05:00Z | 5m | 15m | met |
| First resolution attempt | — | — | 1h | missed by 30m (not reached) |
| Mitigation | — | — | — | pending |
| Resolution | — | — | — | pending |

Detection is measured from the start of the problem, the others from the trigger.

## Timeline

_No entries._

## Linked changes

| Time | Kind | Change | By |
| --- | --- | --- | --- |
| 2025-06-01 09:30:00Z | config | x | — |

## Runbook steps taken

_None recorded._

## Follow-ups

| Follow-up | Owner | Due | Status |
| --- | --- | --- | --- |
| [Fix](https://t.example/1) | bob | 2025-06-01 | open, overdue |
| Doc | al | — | done |
`,
    );
  });

  test('a resolved incident that was never acknowledged: milestones reached through resolution', () => {
    const report = postIncidentReport(record({ resolvedAt: T0 + 3 * M }), [], {
      targets: { acknowledge: 15 * M },
      changes: [],
      followUps: [],
      now: T0 + 10 * M,
    });
    assert.match(
      report,
      /\| Acknowledgement \| 2025-06-01 10:03:00Z \(at resolution\) \| 3m \| 15m \| met \|/,
    );
    assert.match(report, /_None linked\._/);
    assert.match(report, /_None agreed\._/);
  });
});

describe('from the state machine to the report', () => {
  test('the worked SEV1 example: the record and timeline the runtime keeps give the right times', () => {
    const at = (minutes: number) => T0 + minutes * M;
    const sim = simulate(
      EXAMPLE_CONFIG,
      [
        { at: at(0), command: { type: 'trigger', id: 'inc-42', signal: latencySignal('trigger', at(0)) } },
        { at: at(20), command: { type: 'acknowledge', by: 'alice' } },
        {
          at: at(25),
          command: { type: 'attempt', by: 'throttle', what: 'throttle webhook: 200', via: 'action' },
        },
        { at: at(70), command: { type: 'mitigate', by: 'alice' } },
        { at: at(95), command: { type: 'signal', signal: latencySignal('recover', at(95)) } },
      ],
      at(600),
    );
    assert.ok(sim.state);
    const timeline: TimelineEntry[] = sim.log.flatMap((e) =>
      'effects' in e ? e.effects.flatMap((x) => (x.type === 'timeline' ? [x.entry] : [])) : [],
    );
    const incident = recordFromState(sim.state, {
      partners: ['acme'],
      components: ['notes-api'],
      production: true,
      playbook: 'acme-notes',
      playbookVersion: '3.2.0',
      runbook: 'latency-spike',
      startedAt: at(-4),
    });
    assert.deepEqual(incident.breaches, [{ clock: 'acknowledge', deadline: at(15), at: at(15) }]);
    const report = postIncidentReport(incident, timeline, {
      targets: { detect: 5 * M, ...SEV1.clocks },
      changes: [],
      followUps: [],
      now: at(100),
    });
    const times = report.split('## Response times')[1]?.split('\n\nDetection is')[0];
    assert.equal(
      times,
      `

| Milestone | Time | Took | Target | Result |
| --- | --- | --- | --- | --- |
| Detection | 2025-06-01 10:00:00Z | 4m | 5m | met |
| Acknowledgement | 2025-06-01 10:20:00Z | 20m | 15m | missed by 5m |
| First resolution attempt | 2025-06-01 10:25:00Z | 25m | 1h | met |
| Mitigation | 2025-06-01 11:10:00Z | 1h 10m | 2h | met |
| Resolution | 2025-06-01 11:35:00Z | 1h 35m | 4h | met |`,
    );
    assert.match(report, /1\. 2025-06-01 10:25:00Z — throttle webhook: 200 \(action by throttle\)/);
    assert.match(
      report,
      /\| 2025-06-01 10:15:00Z \| \+15m \| breach \| gangway \| The acknowledge clock ran out \|/,
    );
  });
});

describe('report formatting', () => {
  test('escapeMarkdown: inline syntax anywhere, block syntax only at the start of a line', () => {
    assert.equal(
      escapeMarkdown('a_b *c* `d` [e](f) <g> h|i ~j~ & \\'),
      'a\\_b \\*c\\* \\`d\\` \\[e\\](f) \\<g\\> h\\|i \\~j\\~ \\& \\\\',
    );
    assert.equal(
      escapeMarkdown('# h\n- item\n> quote\n12) x\nplain - dash 1. one'),
      '\\# h\n\\- item\n\\> quote\n12\\) x\nplain - dash 1. one',
    );
  });

  test('formatSpan', () => {
    assert.deepEqual([0, 45_000, 15 * M, 15.5 * M, 65 * M, 120 * M, 50 * 60 * M].map(formatSpan), [
      '0s',
      '45s',
      '15m',
      '15m 30s',
      '1h 5m',
      '2h',
      '2d 2h',
    ]);
  });
});
