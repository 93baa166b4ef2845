import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CheckReport, type Finding, type Outcome, outcomeOf, type Severity } from './result.js';

const finding = (severity: Severity): Finding => ({ code: 'x', severity, message: severity });
const threshold = (passed: boolean) => ({ expression: 'p95 < 300ms', actual: passed ? 100 : 500, passed });

describe('outcomeOf', () => {
  const rows: { name: string; report: CheckReport; outcome: Outcome }[] = [
    { name: 'nothing found → passed', report: { summary: '', findings: [] }, outcome: 'passed' },
    {
      name: 'info findings only → passed',
      report: { summary: '', findings: [finding('info')] },
      outcome: 'passed',
    },
    {
      name: 'a warning → warned',
      report: { summary: '', findings: [finding('warning'), finding('info')] },
      outcome: 'warned',
    },
    {
      name: 'an error finding → failed',
      report: { summary: '', findings: [finding('warning'), finding('error')] },
      outcome: 'failed',
    },
    {
      name: 'a failed threshold → failed, even without findings',
      report: { summary: '', findings: [], thresholds: [threshold(true), threshold(false)] },
      outcome: 'failed',
    },
    {
      name: 'passing thresholds and a warning → warned',
      report: { summary: '', findings: [finding('warning')], thresholds: [threshold(true)] },
      outcome: 'warned',
    },
    {
      name: 'skipped wins over findings',
      report: { summary: '', findings: [finding('error')], skipped: 'nothing to test' },
      outcome: 'skipped',
    },
    {
      name: 'skipped with an empty reason is still skipped',
      report: { summary: '', findings: [], skipped: '' },
      outcome: 'skipped',
    },
  ];
  for (const row of rows) {
    test(row.name, () => assert.equal(outcomeOf(row.report), row.outcome));
  }
});
