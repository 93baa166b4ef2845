import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpResponse } from '../../http/types.js';
import { scanResponse } from './scan.js';

function response(body: string, contentType = 'text/plain'): HttpResponse {
  return {
    status: 500,
    headers: { 'content-type': contentType },
    body: Buffer.from(body),
    text: () => body,
    json: () => JSON.parse(body) as unknown,
    contentType,
  } as unknown as HttpResponse;
}

test('a card number the request carried and the answer only echoes is not a leak; one of its own is', () => {
  const pan = '4111111111111111';
  const trace = `TypeError: invalid account id "${pan}"\n    at handler (/srv/app/accounts.js:41:13)`;
  const base = { secrets: [], ownHosts: new Set<string>(), issuesTokens: false };
  const echoed = scanResponse(response(trace), { ...base, sent: `/accounts/${pan}` });
  assert.deepEqual(
    echoed.map((l) => l.leak.kind),
    ['stack-trace'],
  );
  const own = scanResponse(response(trace), { ...base, sent: '/accounts/42' });
  assert.deepEqual(own.map((l) => l.leak.kind).sort(), ['card-number', 'stack-trace']);
});
