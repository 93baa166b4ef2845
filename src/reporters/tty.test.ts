import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { RunEvent } from '../runner/events.js';
import { check, finding, mixedReport, report, STARTED } from './fixture.test-helper.js';
import { createTerminalReporter, PLAIN_PROGRESS_INTERVAL_MS, REDRAW_INTERVAL_MS } from './tty.js';
import { FINDINGS_PER_CHECK } from './tty-summary.js';

/** A terminal stand-in that records everything written to it. */
class FakeTerminal extends Writable {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
    readonly rows = 24,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const at = (ms: number): string => new Date(Date.parse(STARTED) + ms).toISOString();

function events(): RunEvent[] {
  const final = mixedReport();
  const contract = final.checks[0]!;
  return [
    { type: 'run.started', at: at(0), run: final.run },
    {
      type: 'check.started',
      at: at(0),
      checkId: 'contract',
      kind: 'contract',
      title: 'Contract conformance',
    },
    {
      type: 'check.progress',
      at: at(1000),
      checkId: 'contract',
      message: 'GET /payments',
      done: 1,
      total: 40,
    },
    {
      type: 'check.progress',
      at: at(PLAIN_PROGRESS_INTERVAL_MS + 500),
      checkId: 'contract',
      message: 'POST /payments',
      done: 12,
      total: 40,
    },
    {
      type: 'check.progress',
      at: at(PLAIN_PROGRESS_INTERVAL_MS + 900),
      checkId: 'contract',
      message: 'GET /refunds',
      done: 13,
      total: 40,
    },
    { type: 'check.finished', at: at(7000), result: contract },
    ...final.checks.slice(1).flatMap((result): RunEvent[] => [
      { type: 'check.started', at: at(7000), checkId: result.id, kind: result.kind, title: result.title },
      { type: 'check.finished', at: at(8000), result },
    ]),
    { type: 'gate.evaluated', at: at(8000), gate: final.gate },
    { type: 'run.finished', at: at(8000), report: final },
  ];
}

describe('terminal reporter, plain mode (CI)', () => {
  test('writes started, throttled progress, finished lines, findings and the gate', () => {
    const out = new FakeTerminal(false);
    const reporter = createTerminalReporter(out, { color: false, tty: false });
    for (const event of events()) reporter(event);
    reporter.close();
    const lines = out.text.split('\n');

    assert.ok(lines.includes('▶ started contract'));
    // Progress at +1s is swallowed, +5.5s is printed, +5.9s is swallowed again.
    assert.ok(!out.text.includes('GET /payments'));
    assert.ok(lines.includes('  contract 12/40 POST /payments'));
    assert.ok(!out.text.includes('GET /refunds'));
    assert.ok(lines.includes('✖ contract failed 1.25s 2 operations violate the contract'));
    assert.ok(lines.includes('✔ load passed 1.25s p95 212ms at 20 req/s'));
    assert.ok(lines.includes('! tls errored 1.25s could not connect'));
    assert.ok(lines.includes('○ idempotency skipped 1.25s no unsafe operation'));
    assert.ok(lines.includes('  [target.unreachable] connect ECONNREFUSED 127.0.0.1:8443'));
    assert.ok(lines.some((l) => l.startsWith('   1. [body.schema] error:')));
    assert.ok(lines.includes('      actual:    <script>alert(1)</script>'));
    assert.ok(
      lines.some((l) => l.startsWith("      curl:      curl -X POST 'http://127.0.0.1:8080/payments'")),
    );
    assert.ok(lines.includes('Gate sandbox: BLOCKED'));
    assert.ok(lines.includes('  ✖ required check contract failed: 2 operations violate the contract'));
    assert.ok(lines.includes('Checks: 5 — 1 passed, 1 failed, 1 warned, 1 errored, 1 skipped · 12.5s'));
    // Colors off means no escape sequence at all, not even the hostile one from the finding.
    assert.ok(!out.text.includes('\u001b'), 'escape sequence in plain output');
    assert.ok(!out.text.includes('\u0007'));
  });

  test('verbose prints every progress line and every finding', () => {
    const out = new FakeTerminal(false);
    const reporter = createTerminalReporter(out, { color: false, tty: false, verbose: true });
    for (const event of events()) reporter(event);
    assert.ok(out.text.includes('GET /payments') && out.text.includes('GET /refunds'));
  });

  test('caps findings per check with a pointer to the report', () => {
    const many = Array.from({ length: FINDINGS_PER_CHECK + 3 }, (_, i) =>
      finding({ pointer: `/items/${i}` }),
    );
    const final = report([check({ id: 'contract', outcome: 'failed', findings: many })]);
    const out = new FakeTerminal(false);
    createTerminalReporter(out, { color: false, tty: false })({
      type: 'run.finished',
      at: at(0),
      report: final,
    });
    assert.equal((out.text.match(/\[body\.schema\]/g) ?? []).length, FINDINGS_PER_CHECK);
    assert.match(out.text, /\n {2}and 3 more — see the report\n/);
  });

  test('colors only when asked', () => {
    const out = new FakeTerminal(false);
    createTerminalReporter(out, { color: true, tty: false })(events().at(-1)!);
    assert.match(out.text, /\u001b\[31m/);
  });
});

describe('terminal reporter, live mode (TTY)', () => {
  test('redraws with cursor movement, fits 80 columns, and stops its timer on run.finished', async () => {
    const created: unknown[] = [];
    const cleared: unknown[] = [];
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const handle = realSet(...args);
      created.push(handle);
      return handle;
    }) as typeof setInterval;
    globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
      cleared.push(handle);
      realClear(handle);
    }) as typeof clearInterval;
    try {
      const out = new FakeTerminal(true, 80);
      const reporter = createTerminalReporter(out, { color: true, tty: true });
      const all = events();
      const finished = all.pop()!;
      for (const event of all.slice(0, 3)) reporter(event);
      await delay(REDRAW_INTERVAL_MS * 3);
      assert.match(out.text, /\u001b\[\d+F\u001b\[J/, 'no cursor movement');
      assert.match(out.text, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, 'no spinner');
      assert.match(out.text, /1\/40 GET \/payments/);
      for (const event of all.slice(3)) reporter(event);
      reporter(finished);
      assert.equal(created.length, 1);
      assert.deepEqual(cleared, created, 'the redraw timer was not cleared');
      assert.match(out.text, /Gate sandbox: /);
      assert.ok(out.text.includes('\u001b[?25h'), 'cursor left hidden');

      const length = out.text.length;
      await delay(REDRAW_INTERVAL_MS * 2);
      assert.equal(out.text.length, length, 'wrote after run.finished');
      // Every row of the live block fits the terminal: a wrapped row breaks the redraw.
      const block = out.text.slice(0, out.text.lastIndexOf('\u001b[?25h'));
      for (const row of block.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '\n').split('\n')) {
        assert.ok(Array.from(row).length < 80, `row too wide: ${row}`);
      }
      reporter.close();
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
  });

  test('close() without run.finished stops the timer and shows the cursor', () => {
    const out = new FakeTerminal(true);
    const reporter = createTerminalReporter(out, { color: false, tty: true });
    reporter(events()[0]!);
    reporter.close();
    assert.ok(out.text.endsWith('\u001b[?25h'));
  });

  test('a block taller than the terminal commits finished checks above it', () => {
    const many = Array.from({ length: 30 }, (_, i) => check({ id: `check-${i}` }));
    const final = report(many);
    const out = new FakeTerminal(true, 80, 10);
    const reporter = createTerminalReporter(out, { color: false, tty: true });
    reporter({ type: 'run.started', at: at(0), run: final.run });
    for (const result of many) {
      reporter({ type: 'check.started', at: at(0), checkId: result.id, kind: 'health', title: result.title });
      reporter({ type: 'check.finished', at: at(1), result });
    }
    reporter({ type: 'run.finished', at: at(2), report: final });
    // Each redraw moves up by the block's height, which never exceeds rows - 2.
    for (const [, n] of out.text.matchAll(/\u001b\[(\d+)F/g)) assert.ok(Number(n) <= 8, `moved up ${n} rows`);
    for (const result of many) assert.match(out.text, new RegExp(`✔ ${result.id}\\s+passed`));
  });
});
