// Issue 3's acceptance, as a suite: APIs of varied styles (test/fixtures/apis/defects), each correct
// and with named defects it can seed. `gangway contract` must say nothing on the clean API and, for
// each defect alone, fail with the expected finding on the expected operation and nowhere else.
// Defects Gangway would miss are listed in KNOWN_GAPS (empty today) and left out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFECT_APIS, KNOWN_GAPS } from '../fixtures/apis/defects/index.js';
import { defectMismatch, problems, runContract } from '../fixtures/apis/defects/run.js';
import { SHIPPING, SHIPPING_KEY } from '../fixtures/apis/defects/shipping.js';
import { describeFindings } from './helpers.js';

for (const api of DEFECT_APIS) {
  describe(`gangway contract on the ${api.name} API (OpenAPI ${api.format})`, () => {
    test('without defects, with --negative: exit 0, no finding at all (not even info)', async () => {
      const run = await runContract(api, [], ['--negative']);
      assert.equal(run.format, api.format);
      assert.deepEqual(problems(run.findings), [], describeFindings(run.findings));
      // Not even a note that a valid request was refused (request.rejected): our requests are valid.
      assert.deepEqual(
        run.findings.map((f) => `${f.severity} ${f.code} ${f.operation ?? ''}`),
        [],
        `${describeFindings(run.findings)}\n${run.findings.map((f) => f.curl).join('\n')}`,
      );
      assert.equal(run.code, 0, run.err);
    });

    for (const c of api.cases) {
      if (KNOWN_GAPS.has(`${api.name}/${c.defect}`)) continue;
      test(`${c.defect} (${c.kind}): ${c.expect.code} on ${c.expect.operation} alone`, async () => {
        const run = await runContract(api, [c.defect], c.args);
        assert.equal(defectMismatch(run, c.expect), undefined);
      });
    }
  });
}

test('shipping/cancel-without-key, probes forced on by a header named like a token: a 409 is auth.not-enforced', async () => {
  // The probes replay a cancel that already happened: the API, which never checks the key there,
  // answers 409, a status decided after authentication.
  const api = { ...SHIPPING, headers: [`X-Ship-Key: ${SHIPPING_KEY}`, 'X-Token: unused'] };
  const run = await runContract(api, ['cancel-without-key']);
  const want = { code: 'auth.not-enforced', operation: 'cancelShipment', expected: 'no credentials' };
  assert.equal(defectMismatch(run, want), undefined);
});

test('the suite seeds at least 14 classes of defect across at least three APIs', () => {
  const kinds = new Set(
    DEFECT_APIS.flatMap((api) =>
      api.cases.filter((c) => !KNOWN_GAPS.has(`${api.name}/${c.defect}`)).map((c) => c.kind),
    ),
  );
  assert.ok(DEFECT_APIS.length >= 3);
  assert.ok(kinds.size >= 14, [...kinds].join('\n'));
});
