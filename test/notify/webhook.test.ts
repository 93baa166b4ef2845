import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { signWebhook, verifyWebhookSignature } from '../../src/notify/signature.js';
import { webhook } from '../../src/notify/webhook.js';
import { context, message, type Receiver, startReceiver } from './receiver.js';

const SECRET = 'whsec_0123456789abcdef';
const NOW = Date.parse('2026-03-01T10:00:00Z');

// The documented body (docs/notifiers.md, "webhook").
const body = z.object({
  type: z.literal('gangway.notification'),
  version: z.literal(1),
  deliveryKey: z.string().min(1),
  event: z.enum([
    'triggered',
    'escalated',
    'acknowledged',
    'mitigated',
    'resolved',
    'breach',
    'reopened',
    'note',
    'test',
  ]),
  at: z.iso.datetime(),
  text: z.string(),
  level: z.number().int().optional(),
  incident: z.object({
    id: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    dedupKey: z.string(),
    signature: z.string(),
    components: z.array(z.string()),
    triggeredAt: z.iso.datetime(),
  }),
  links: z
    .object({ view: z.url().optional(), acknowledge: z.url().optional(), resolve: z.url().optional() })
    .optional(),
});

describe('webhook notifier', () => {
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver(() => ({ status: 204 }));
  });
  after(() => rx.close());

  test('POSTs the documented JSON with delivery, event and a signature the receiver can verify', async () => {
    const options = webhook.options.parse({
      url: `${rx.url}/hooks/gangway`,
      secret: SECRET,
      headers: { 'x-api-key': 'k-123456' },
    });
    const result = await webhook.deliver(options, message(), context({ now: () => NOW }));
    assert.equal(result.status, 'delivered');
    const req = rx.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hooks/gangway');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['gangway-delivery'], 'inc_42:triggered:1:oncall');
    assert.equal(req.headers['gangway-event'], 'triggered');
    assert.equal(req.headers['x-api-key'], 'k-123456');
    body.parse(req.json);
    const signature = String(req.headers['gangway-signature']);
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(signature.split(',')[0], `t=${NOW / 1000}`);
    // The receiver verifies the raw bytes it got, seconds later.
    assert.equal(verifyWebhookSignature(SECRET, signature, req.body, NOW + 5_000), true);
  });

  test('a tampered body, a wrong key, an old or future timestamp and a malformed header are refused', () => {
    const raw = JSON.stringify({ event: 'resolved', incident: { id: 'inc_1' } });
    const header = signWebhook(SECRET, raw, NOW);
    assert.equal(verifyWebhookSignature(SECRET, header, raw, NOW), true);
    assert.equal(verifyWebhookSignature(SECRET, header, Buffer.from(raw), NOW), true);
    assert.equal(verifyWebhookSignature(SECRET, header, raw.replace('resolved', 'triggered'), NOW), false);
    assert.equal(verifyWebhookSignature('another-key', header, raw, NOW), false);
    assert.equal(
      verifyWebhookSignature(SECRET, header, raw, NOW + 301_000),
      false,
      'replayed 5 minutes later',
    );
    assert.equal(verifyWebhookSignature(SECRET, header, raw, NOW - 301_000), false, 'from the future');
    assert.equal(
      verifyWebhookSignature(SECRET, header, raw, NOW + 60_000, 30),
      false,
      'tolerance is the receiver’s',
    );
    assert.equal(verifyWebhookSignature(SECRET, undefined, raw, NOW), false);
    assert.equal(verifyWebhookSignature(SECRET, 'v1=abc', raw, NOW), false);
    assert.equal(
      verifyWebhookSignature(SECRET, header.replace(/t=\d+/, `t=${NOW / 1000 + 1}`), raw, NOW),
      false,
    );
  });

  test('a header signed with an old and a new key verifies with either (key rotation)', () => {
    const raw = '{"a":1}';
    const [t, v1old] = signWebhook('old-key-1234', raw, NOW).split(',');
    const v1new = signWebhook('new-key-5678', raw, NOW).split(',')[1];
    const header = `${t},${v1old},${v1new}`;
    assert.equal(verifyWebhookSignature('old-key-1234', header, raw, NOW), true);
    assert.equal(verifyWebhookSignature('new-key-5678', header, raw, NOW), true);
    assert.equal(verifyWebhookSignature('third-key-999', header, raw, NOW), false);
  });

  test('without a secret the body is sent unsigned', async () => {
    const options = webhook.options.parse({ url: rx.url });
    await webhook.deliver(options, message({ event: 'note', text: 'checked the upstream' }), context());
    const req = rx.requests.at(-1)!;
    assert.equal(req.headers['gangway-signature'], undefined);
    assert.equal(body.parse(req.json).event, 'note');
  });
});
