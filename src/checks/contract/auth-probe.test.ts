import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { authProbes, declaredKeyHeaders, isCredentialHeader, judgeProbe } from './auth-probe.js';

const op = { id: 'cancelShipment' } as Operation;
const answer = (status: number) => ({ status, curl: 'curl …' }) as HttpResponse;

describe('auth probes', () => {
  test('a header the spec declares as an apiKey scheme is a credential, whatever its name', () => {
    const declared = declaredKeyHeaders({
      securitySchemes: {
        ship: { name: 'ship', type: 'apiKey', in: 'header', paramName: 'X-Partner-Id' },
        q: { name: 'q', type: 'apiKey', in: 'query', paramName: 'api_key' },
      },
    });
    assert.deepEqual(declared, ['x-partner-id']);
    assert.equal(isCredentialHeader('X-Partner-Id'), false);
    assert.equal(isCredentialHeader('X-Partner-Id', declared), true);
    const [none, wrong] = authProbes({ type: 'none' }, ['X-Partner-Id'], declared);
    const accepted = { method: 'POST', url: '/x', headers: { 'X-Partner-Id': 'secret' } };
    assert.equal(none?.request(accepted).headers?.['X-Partner-Id'], '');
    assert.match(wrong?.request(accepted).headers?.['X-Partner-Id'] ?? '', /^gangway-invalid-/);
    assert.deepEqual(authProbes({ type: 'none' }, ['X-Partner-Id']), []);
  });

  test('409, 412 and 422 to a probe mean it got past authentication; 400 and 404 only warn', () => {
    const [probe] = authProbes({ type: 'bearer', token: 't' }, []);
    for (const status of [409, 412, 422]) {
      const f = judgeProbe(op, probe!, answer(status));
      assert.equal(f?.code, 'auth.not-enforced');
      assert.equal(f?.severity, 'error');
      assert.match(f?.message ?? '', /got past authentication/);
    }
    for (const status of [400, 404])
      assert.equal(judgeProbe(op, probe!, answer(status))?.severity, 'warning');
    assert.equal(judgeProbe(op, probe!, answer(401)), undefined);
  });
});
