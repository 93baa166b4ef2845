import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { check, finding, HOSTILE, mixedReport, report } from './fixture.test-helper.js';
import { GATE_CLASSNAME, JUNIT_FINDINGS_PER_CHECK, renderJunit, writeJunitReport } from './junit.js';

/** A small XML well-formedness check: balanced tags, quoted attributes, no stray '<' or '&'. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const token = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const stack: string[] = [];
  for (const m of body.matchAll(token)) {
    const [, closing, name, attributes, selfClosing, text, stray] = m;
    assert.equal(stray, undefined, `stray "<" at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    const content = text ?? attributes ?? '';
    assert.doesNotMatch(content, /&(?!(amp|lt|gt|quot|apos|#\d+);)/, `bare "&" near ${m.index}`);
    assert.doesNotMatch(content, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'control character in XML');
    if (text !== undefined) {
      if (stack.length === 0) assert.match(text, /^\s*$/, 'text outside the root element');
      continue;
    }
    if (closing) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else if (!selfClosing) stack.push(name!);
  }
  assert.deepEqual(stack, [], 'unclosed elements');
}

function attr(xml: string, tag: string, name: string): string | undefined {
  return new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
}

describe('renderJunit', () => {
  test('counts one test per check plus the gate, by outcome', () => {
    const xml = renderJunit(mixedReport());
    assertWellFormed(xml);
    // 5 checks + gate; failed contract + blocked gate; errored tls; skipped idempotency.
    for (const tag of ['testsuites', 'testsuite']) {
      assert.equal(attr(xml, tag, 'tests'), '6');
      assert.equal(attr(xml, tag, 'failures'), '2');
      assert.equal(attr(xml, tag, 'errors'), '1');
      assert.equal(attr(xml, tag, 'skipped'), '1');
    }
    assert.equal((xml.match(/<testcase\b/g) ?? []).length, 6);
    assert.equal(attr(xml, 'testsuite', 'name'), 'acme-payments/sandbox');
    assert.equal(attr(xml, 'testsuite', 'time'), '12.500');
  });

  test('maps each outcome to its JUnit element', () => {
    const xml = renderJunit(mixedReport());
    assert.match(
      xml,
      /<testcase classname="contract" name="Contract conformance \(contract\)" time="1.250">\n\s*<failure message="2 operations violate the contract" type="failed">/,
    );
    assert.match(
      xml,
      /<testcase classname="tls"[^>]*>\n\s*<error message="target.unreachable: connect ECONNREFUSED 127.0.0.1:8443" type="target.unreachable">/,
    );
    assert.match(
      xml,
      /<testcase classname="idempotency"[^>]*>\n\s*<skipped message="no unsafe operation"\/>/,
    );
    assert.match(
      xml,
      /<testcase classname="lint"[^>]*>\n\s*<system-out>1 warning\n\n\[operation.description\] warning:/,
    );
    assert.match(xml, /<testcase classname="load" name="Load 20\/s for 60s \(load\)" time="1.250"\/>/);
    assert.match(
      xml,
      new RegExp(`<testcase classname="${GATE_CLASSNAME}" name="gate sandbox"[^>]*>\\n\\s*<failure`),
    );
  });

  test('escapes markup and drops control characters from hostile findings', () => {
    const xml = renderJunit(mixedReport());
    assertWellFormed(xml);
    assert.ok(!xml.includes(HOSTILE), 'raw script tag in XML');
    assert.ok(xml.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(xml.includes('body has ]0;pwned &amp; &lt;b&gt;bold&lt;/b&gt; text'));
  });

  test('keeps attribute quotes and newlines intact', () => {
    const xml = renderJunit(
      report([
        check({
          outcome: 'failed',
          summary: 'said "no"\nand \'left\' <now> & \uffff',
          findings: [finding()],
        }),
      ]),
    );
    assertWellFormed(xml);
    assert.equal(
      attr(xml, 'failure', 'message'),
      'said &quot;no&quot;&#10;and &apos;left&apos; &lt;now&gt; &amp; ',
    );
  });

  test('carries seed, environment and playbook version as properties', () => {
    const xml = renderJunit(mixedReport());
    assert.match(xml, /<property name="seed" value="42"\/>/);
    assert.match(xml, /<property name="environment" value="sandbox"\/>/);
    assert.match(xml, /<property name="playbook.version" value="3.2.0"\/>/);
    assert.match(xml, /<property name="runId" value="run-0001"\/>/);
  });

  test('an open gate is a passing test and findings are capped', () => {
    const many = Array.from({ length: JUNIT_FINDINGS_PER_CHECK + 5 }, (_, i) =>
      finding({ severity: 'warning', pointer: `/items/${i}` }),
    );
    const xml = renderJunit(report([check({ outcome: 'warned', findings: many })]));
    assert.equal(attr(xml, 'testsuites', 'failures'), '0');
    assert.match(xml, /and 5 more — see the report/);
    assert.equal((xml.match(/\[body.schema\]/g) ?? []).length, JUNIT_FINDINGS_PER_CHECK);
  });

  test('writes the file, creating directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gangway-junit-'));
    try {
      const path = join(dir, 'nested', 'junit.xml');
      await writeJunitReport(mixedReport(), path);
      assert.equal(await readFile(path, 'utf8'), renderJunit(mixedReport()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
