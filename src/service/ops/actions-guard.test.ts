import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GuardDecision, guardAction, guardWindowMs } from './actions-guard.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;
const auto = { cooldownMs: 10 * MIN, maxPerHour: 3, approval: 'auto' } as const;
const manual = { ...auto, approval: 'manual' } as const;

type Row = {
  name: string;
  action: { cooldownMs: number; maxPerHour: number; approval: 'auto' | 'manual' };
  recent: number[];
  approved?: boolean;
  want: GuardDecision['verdict'];
  guard?: 'cooldown' | 'rate';
  until?: number;
};

const ROWS: Row[] = [
  { name: 'no history: runs', action: auto, recent: [], want: 'run' },
  {
    name: 'a run 5 minutes ago is within a 10-minute cool-down',
    action: auto,
    recent: [NOW - 5 * MIN],
    want: 'skip',
    guard: 'cooldown',
    until: NOW + 5 * MIN,
  },
  { name: 'the cool-down is over exactly at its end', action: auto, recent: [NOW - 10 * MIN], want: 'run' },
  {
    name: 'the latest run counts for the cool-down, whatever the order given',
    action: auto,
    recent: [NOW - 2 * MIN, NOW - 50 * MIN],
    want: 'skip',
    guard: 'cooldown',
    until: NOW + 8 * MIN,
  },
  {
    name: 'three runs in the last hour reach maxPerHour 3',
    action: auto,
    recent: [NOW - 50 * MIN, NOW - 35 * MIN, NOW - 20 * MIN],
    want: 'skip',
    guard: 'rate',
    until: NOW + 10 * MIN,
  },
  {
    name: 'a run older than an hour no longer counts against the cap',
    action: auto,
    recent: [NOW - 61 * MIN, NOW - 35 * MIN, NOW - 20 * MIN],
    want: 'run',
  },
  {
    name: 'no cool-down: only the cap guards',
    action: { cooldownMs: 0, maxPerHour: 2, approval: 'auto' },
    recent: [NOW - 1000, NOW - 500],
    want: 'skip',
    guard: 'rate',
    until: NOW - 1000 + 60 * MIN,
  },
  {
    name: 'a run "in the future" (clock skew between workers) is ignored',
    action: auto,
    recent: [NOW + 5 * MIN],
    want: 'run',
  },
  { name: 'manual approval: waits for a person', action: manual, recent: [], want: 'approval' },
  { name: 'manual and approved: runs', action: manual, recent: [], approved: true, want: 'run' },
  {
    name: 'manual and in cool-down: skipped before anyone is asked',
    action: manual,
    recent: [NOW - MIN],
    want: 'skip',
    guard: 'cooldown',
    until: NOW + 9 * MIN,
  },
  {
    name: 'approved but the cap was reached while it waited: skipped',
    action: { ...manual, cooldownMs: 0, maxPerHour: 1 },
    recent: [NOW - 30 * MIN],
    approved: true,
    want: 'skip',
    guard: 'rate',
    until: NOW + 30 * MIN,
  },
];

describe('guardAction: cool-down, max per hour, approval', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const got = guardAction(row.action, row.recent, NOW, row.approved);
      assert.equal(got.verdict, row.want);
      if (got.verdict === 'skip') {
        assert.equal(got.guard, row.guard);
        assert.equal(got.until, row.until);
        assert.match(got.reason, row.guard === 'cooldown' ? /^cool-down: / : /^max per hour: /);
      }
    });
  }

  test('the reason says when the next run is allowed', () => {
    const got = guardAction(auto, [NOW - 5 * MIN], NOW);
    assert.equal(got.verdict, 'skip');
    assert.equal(got.verdict === 'skip' && got.reason, 'cool-down: last run 5m ago, next allowed in 5m');
  });

  test('the history window covers the longer of the cool-down and an hour', () => {
    assert.equal(guardWindowMs({ cooldownMs: 10 * MIN }), 60 * MIN);
    assert.equal(guardWindowMs({ cooldownMs: 90 * MIN }), 90 * MIN);
  });
});
