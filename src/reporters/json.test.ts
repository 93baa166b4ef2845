import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import { mixedReport } from './fixture.test-helper.js';
import { renderJson, writeJsonReport } from './json.js';

describe('JSON report', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gangway-json-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('round-trips the RunReport unchanged, pretty-printed', () => {
    const report = mixedReport();
    const text = renderJson(report);
    // Fields set to undefined (no exchange linked) are absent in JSON, as the format documents.
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(report)));
    assert.equal(renderJson(JSON.parse(text)), text);
    assert.equal(JSON.parse(text).checks[0].findings[0].actual, report.checks[0]?.findings[0]?.actual);
    assert.match(text, /^\{\n {2}"formatVersion": 1,\n/);
    assert.ok(text.endsWith('}\n'));
  });

  test('the example in docs/report-format.md has the fields a rendered report has', async () => {
    const doc = await readFile(new URL('../../docs/report-format.md', import.meta.url), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? 'null');
    const rendered = JSON.parse(renderJson(mixedReport()));
    const keys = (value: object): string[] => Object.keys(value).sort();
    assert.deepEqual(keys(example), keys(rendered));
    assert.deepEqual(keys(example.gate), keys(rendered.gate));
    assert.deepEqual(keys(example.counts), keys(rendered.counts));
    assert.deepEqual(keys(example.checks[1]), keys(rendered.checks[1]));
    assert.equal(example.formatVersion, rendered.formatVersion);
  });

  test('writes atomically into new directories and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b', 'report.json');
    await writeJsonReport(mixedReport(), path);
    await writeJsonReport(mixedReport(), path);
    assert.equal(await readFile(path, 'utf8'), renderJson(mixedReport()));
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['report.json']);
  });

  test('an unwritable path is an input error naming the path', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    const path = join(file, 'report.json');
    await assert.rejects(writeJsonReport(mixedReport(), path), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'report.unwritable');
      assert.ok(error.message.includes(path));
      return true;
    });
  });
});
