import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../core/errors.js';
import { mixedReport } from './fixture.test-helper.js';
import { parseReportSpec, REPORT_FORMATS, writeReport } from './index.js';

describe('parseReportSpec', () => {
  for (const [spec, format, path] of [
    ['junit=reports/junit.xml', 'junit', 'reports/junit.xml'],
    ['json=out.json', 'json', 'out.json'],
    ['HTML=./a=b.html', 'html', './a=b.html'],
  ] as const) {
    test(`parses ${spec}`, () => {
      assert.deepEqual(parseReportSpec(spec), { format, path });
    });
  }

  for (const [spec, why] of [
    ['xml=out.xml', 'unknown format'],
    ['junit', 'missing path'],
    ['junit=', 'missing path'],
    ['=out.json', 'unknown format'],
  ] as const) {
    test(`rejects "${spec}" (${why})`, () => {
      assert.throws(
        () => parseReportSpec(spec),
        (error: unknown) =>
          error instanceof InputError &&
          error.code === 'report.invalid' &&
          error.message.includes(why) &&
          error.message.includes(REPORT_FORMATS.join(', ')),
      );
    });
  }
});

describe('writeReport', () => {
  test('writes each format to its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gangway-reports-'));
    try {
      for (const format of REPORT_FORMATS) {
        const path = join(dir, `report.${format}`);
        await writeReport(format, mixedReport(), path);
        const text = await readFile(path, 'utf8');
        const start = { junit: '<?xml', json: '{', html: '<!doctype html>' }[format];
        assert.ok(text.startsWith(start), `${format} starts with ${start}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
