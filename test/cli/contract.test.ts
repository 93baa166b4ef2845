// `gangway contract` against three APIs of our own (test/fixtures/apis): clean when they conform, one
// finding per seeded defect when they do not; --safe, --seed and secret redaction in every output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  INVENTORY_BASE_PATH,
  INVENTORY_DEFECTS,
  INVENTORY_SPEC,
  startInventory,
} from '../fixtures/apis/inventory.js';
import { LIBRARY_BASE_PATH, LIBRARY_DEFECTS, LIBRARY_SPEC, startLibrary } from '../fixtures/apis/library.js';
import { NOTES_DEFECTS, NOTES_SPEC, startNotes } from '../fixtures/apis/notes.js';
import type { ApiServer } from '../fixtures/apis/server-kit.js';
import {
  allFindings,
  cli,
  describeFindings,
  type ExpectedFinding,
  findFinding,
  readReport,
  tempDir,
} from './helpers.js';

const API_KEY = 'lib-key-0b5e';
const TOKEN = 'notes-token-77d1';

interface Api {
  name: string;
  format: string;
  spec: string;
  start(defects: boolean): Promise<ApiServer>;
  basePath: string;
  headers: string[];
  defects: readonly ExpectedFinding[];
  operations: number;
}

const APIS: Api[] = [
  {
    name: 'library',
    format: '2.0',
    spec: LIBRARY_SPEC,
    start: (defects) => startLibrary({ apiKey: API_KEY, defects }),
    basePath: LIBRARY_BASE_PATH,
    headers: [`X-API-Key: ${API_KEY}`],
    defects: LIBRARY_DEFECTS,
    operations: 3,
  },
  {
    name: 'notes',
    format: '3.0',
    spec: NOTES_SPEC,
    start: (defects) => startNotes({ token: TOKEN, defects }),
    basePath: '',
    headers: [`Authorization: Bearer ${TOKEN}`],
    defects: NOTES_DEFECTS,
    operations: 5,
  },
  {
    name: 'inventory',
    format: '3.1',
    spec: INVENTORY_SPEC,
    start: (defects) => startInventory({ defects }),
    basePath: INVENTORY_BASE_PATH,
    headers: [],
    defects: INVENTORY_DEFECTS,
    operations: 4,
  },
];

/** Runs `gangway contract` against a fresh server; returns the exit code, output, report and the server's log. */
async function contract(api: Api, defects: boolean, extra: string[] = []) {
  const server = await api.start(defects);
  const dir = tempDir();
  const json = join(dir, 'report.json');
  try {
    const headerFlags = api.headers.flatMap((h) => ['--header', h]);
    const args = [
      api.spec,
      '--base-url',
      server.url + api.basePath,
      ...headerFlags,
      '--report',
      `json=${json}`,
    ];
    const result = await cli(['contract', ...args, ...extra], { cwd: dir });
    return { ...result, dir, report: readReport(json), requests: server.requests };
  } finally {
    await server.close();
  }
}

describe('gangway contract', () => {
  for (const api of APIS) {
    test(`${api.name} (OpenAPI ${api.format}) conforming: exit 0, no error or warning findings`, async () => {
      const { code, out, err, report } = await contract(api, false);
      const findings = allFindings(report);
      assert.equal(code, 0, `${out}${err}\n${describeFindings(findings)}`);
      assert.deepEqual(
        findings.filter((f) => f.severity !== 'info').map((f) => f.code),
        [],
      );
      assert.equal(report.outcome, 'passed');
      assert.equal(report.run.spec?.format, api.format);
      const [check] = report.checks;
      assert.equal(check?.measurements['operations.called'], api.operations, check?.summary);
    });

    test(`${api.name} (OpenAPI ${api.format}) with seeded defects: exit 1, a finding for each`, async () => {
      const { code, report } = await contract(api, true);
      const findings = allFindings(report);
      assert.equal(code, 1);
      assert.equal(report.outcome, 'failed');
      for (const defect of api.defects) {
        const found = findFinding(findings, defect);
        assert.ok(found, `missing ${JSON.stringify(defect)} in:\n${describeFindings(findings)}`);
        assert.equal(found.severity, 'error');
        assert.ok(found.curl?.startsWith('curl '), 'each finding carries a curl line');
        assert.ok(found.exchangeId, 'each finding points at its evidence');
      }
    });
  }

  test('library: a wrong API key is refused on every operation: auth.credentials-refused, exit 1', async () => {
    const wrongKey = { ...APIS[0]!, headers: ['X-API-Key: wrong'] };
    const { code, report } = await contract(wrongKey, false);
    assert.equal(code, 1);
    const refused = allFindings(report).filter((f) => f.code === 'auth.credentials-refused');
    assert.deepEqual(refused.map((f) => f.operation).sort(), ['createBook', 'getBook', 'listBooks']);
  });

  test('notes without credentials: the secured operations are reported as untested, never a quiet pass', async () => {
    const anonymous = { ...APIS[1]!, headers: [] };
    const { code, report } = await contract(anonymous, false);
    assert.equal(code, 1);
    const untested = allFindings(report).filter((f) => f.code === 'auth.no-credentials');
    assert.equal(untested.length, 1);
    assert.equal(untested[0]!.severity, 'error');
  });

  test('--safe sends no POST, PUT or DELETE', async () => {
    const notes = APIS[1]!;
    const { code, report, requests } = await contract(notes, false, ['--safe']);
    assert.equal(code, 0);
    const methods = requests.map((r) => r.method);
    assert.deepEqual(
      methods.filter((m) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS'),
      [],
    );
    assert.ok(methods.includes('GET'));
    const left = allFindings(report).filter((f) => f.code === 'coverage.not-reached');
    assert.deepEqual(left.map((f) => f.operation).sort(), ['createNote', 'deleteNote', 'updateNote']);
  });

  test('--seed makes two runs send identical generated bodies, another seed different ones', async () => {
    const notes = APIS[1]!;
    const bodies = (requests: ApiServer['requests']) =>
      requests.filter((r) => r.method === 'POST' || r.method === 'PUT').map((r) => r.body);
    const first = bodies((await contract(notes, false, ['--seed', '4242', '--max-cases', '3'])).requests);
    const second = bodies((await contract(notes, false, ['--seed', '4242', '--max-cases', '3'])).requests);
    const other = bodies((await contract(notes, false, ['--seed', '977', '--max-cases', '3'])).requests);
    assert.ok(first.length >= 4, `bodies sent: ${first.length}`);
    assert.deepEqual(second, first);
    assert.notDeepEqual(other, first);
  });

  test('credentials given with --header never reach stdout, stderr or the JSON, HTML and JUnit reports', async () => {
    for (const api of APIS.slice(0, 2)) {
      const canary = api.name === 'library' ? API_KEY : TOKEN;
      const server = await api.start(true);
      const dir = tempDir();
      try {
        const reports = ['json=r.json', 'html=r.html', 'junit=r.xml'].flatMap((r) => ['--report', r]);
        const headers = api.headers.flatMap((h) => ['--header', h]);
        const { code, out, err } = await cli(
          ['contract', api.spec, '-u', server.url + api.basePath, ...headers, ...reports, '--verbose'],
          { cwd: dir },
        );
        assert.equal(code, 1);
        // the canary really was sent, so its absence below means something
        assert.ok(server.requests.some((r) => JSON.stringify(r.headers).includes(canary)));
        for (const [name, text] of [
          ['stdout', out],
          ['stderr', err],
          ...['r.json', 'r.html', 'r.xml'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
        ] as const) {
          assert.ok(text.length > 0 || name === 'stderr', `${name} is empty`);
          assert.ok(!text.includes(canary), `${api.name}: the credential leaked into ${name}`);
        }
        if (api.name === 'notes') {
          // the defective notes API echoes the caller's Authorization in its 500 body: kept, but redacted
          const echoed = readReport(join(dir, 'r.json'))
            .checks.flatMap((c) => c.exchanges)
            .filter((e) => e.response?.status === 500);
          assert.ok(echoed.length > 0);
          for (const e of echoed)
            assert.match(e.response?.body ?? '', /"authorization":"(Bearer )?\[REDACTED\]"/);
        }
      } finally {
        await server.close();
      }
    }
  });

  test('a credential header whose name says auth (X-Auth) is redacted too', async () => {
    const inventory = APIS[2]!;
    const canary = 'x-auth-canary-91f3';
    const { out, dir } = await contract({ ...inventory, headers: [`X-Auth: ${canary}`] }, true, [
      '--report',
      'html=r.html',
    ]);
    const texts = [
      out,
      readFileSync(join(dir, 'report.json'), 'utf8'),
      readFileSync(join(dir, 'r.html'), 'utf8'),
    ];
    for (const text of texts) assert.ok(!text.includes(canary), 'the X-Auth value leaked');
  });

  test('an invalid --header, a missing --base-url or an unknown --operation/--exclude is exit 2, nothing sent', async () => {
    const inventory = APIS[2]!;
    const server = await inventory.start(false);
    try {
      const bad = await cli(['contract', inventory.spec, '-u', server.url, '--header', 'no colon here']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /is not "Name: value"/);
      const missing = await cli(['contract', inventory.spec]);
      assert.equal(missing.code, 2);
      assert.match(missing.err, /--base-url/);
      const typo = await cli(['contract', inventory.spec, '-u', server.url, '--operation', 'listItem']);
      assert.equal(typo.code, 2, typo.out + typo.err);
      assert.match(typo.err, /"listItem" is not an operation of Inventory API/);
      const excluded = await cli([
        'contract',
        inventory.spec,
        '-u',
        server.url,
        '--exclude',
        'DELETE /items',
      ]);
      assert.equal(excluded.code, 2);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});
