import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { opsgenie } from '../../src/notify/opsgenie.js';
import { pagerduty } from '../../src/notify/pagerduty.js';
import { context, message, type Receiver, startReceiver } from './receiver.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';
const GENIE_KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';

// PagerDuty Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and
// https://developer.pagerduty.com/docs/events-api-v2/acknowledge-events/ (routing_key, event_action, dedup_key ≤ 255,
// payload.summary ≤ 1024, payload.source, payload.severity critical|error|warning|info, timestamp ISO 8601).
const pdTrigger = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.literal('trigger'),
  dedup_key: z.string().max(255),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime().optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  client: z.string().optional(),
  client_url: z.url().optional(),
  links: z.array(z.strictObject({ href: z.url(), text: z.string() })).optional(),
  images: z.array(z.unknown()).optional(),
});
const pdFollowUp = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.enum(['acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255),
});

// Opsgenie Alert API: https://docs.opsgenie.com/docs/alert-api#create-alert (message ≤ 130, alias ≤ 512,
// description ≤ 15000, priority P1..P5, details map of strings) and #acknowledge-alert / #close-alert / #add-note-to-alert.
const ogCreate = z.strictObject({
  message: z.string().min(1).max(130),
  alias: z.string().max(512).optional(),
  description: z.string().max(15000).optional(),
  responders: z.array(z.record(z.string(), z.string())).optional(),
  visibleTo: z.array(z.unknown()).optional(),
  actions: z.array(z.string()).optional(),
  tags: z.array(z.string()).max(20).optional(),
  details: z.record(z.string(), z.string()).optional(),
  entity: z.string().max(512).optional(),
  source: z.string().max(100).optional(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).optional(),
  user: z.string().optional(),
  note: z.string().max(25000).optional(),
});
const ogAction = z.strictObject({
  user: z.string().max(100).optional(),
  source: z.string().max(100).optional(),
  note: z.string().max(25000).optional(),
});

describe('pagerduty and opsgenie notifiers', () => {
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver((req) =>
      req.url === '/v2/enqueue'
        ? { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'x' } }
        : { status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: 'req-1' } },
    );
  });
  after(() => rx.close());

  test('pagerduty: trigger with the documented payload, then acknowledge and resolve by the same dedup_key', async () => {
    const o = pagerduty.options.parse({ routingKey: ROUTING_KEY, apiUrl: rx.url });
    const start = rx.requests.length;
    await pagerduty.deliver(o, message(), context());
    await pagerduty.deliver(o, message({ event: 'acknowledged', deliveryKey: 'k2' }), context());
    await pagerduty.deliver(o, message({ event: 'resolved', deliveryKey: 'k3' }), context());
    const sent = rx.requests.slice(start);
    assert.deepEqual(
      sent.map((r) => [r.method, r.url]),
      Array(3).fill(['POST', '/v2/enqueue']),
    );
    const trigger = pdTrigger.parse(sent[0]!.json);
    assert.equal(trigger.dedup_key, 'latency-spike:api-health:production');
    assert.equal(trigger.payload.severity, 'critical');
    assert.equal(trigger.payload.source, 'production');
    assert.equal(trigger.payload.group, 'acme');
    assert.equal(trigger.payload.class, 'latency-spike');
    assert.deepEqual(
      sent.slice(1).map((r) => pdFollowUp.parse(r.json)),
      [
        { routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: trigger.dedup_key },
        { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key },
      ],
    );
  });

  test('pagerduty: severity from the rank or the explicit map, summary cut to 1024, notes skipped', async () => {
    const o = pagerduty.options.parse({
      routingKey: ROUTING_KEY,
      apiUrl: rx.url,
      severities: { SEV3: 'error' },
    });
    const cases: Array<[string, number | undefined, string]> = [
      ['SEV2', undefined, 'error'],
      ['SEV3', undefined, 'error'],
      ['SEV4', undefined, 'info'],
      ['P-high', 1, 'critical'],
    ];
    for (const [severity, severityRank, expected] of cases) {
      const m = message({ text: 'x'.repeat(3000) });
      m.incident.severity = severity;
      if (severityRank !== undefined) m.incident.severityRank = severityRank;
      await pagerduty.deliver(o, m, context());
      const event = pdTrigger.parse(rx.requests.at(-1)!.json);
      assert.equal(event.payload.severity, expected, severity);
      assert.equal(event.payload.summary.length, 1024);
    }
    const before = rx.requests.length;
    const skipped = await pagerduty.deliver(o, message({ event: 'note' }), context());
    assert.equal(skipped.status, 'skipped');
    assert.equal(rx.requests.length, before, 'nothing sent for a note');
  });

  test('opsgenie: create with alias and priority, then note, acknowledge and close by alias', async () => {
    const o = opsgenie.options.parse({
      apiKey: GENIE_KEY,
      apiUrl: rx.url,
      responders: [{ type: 'team', name: 'payments' }],
      tags: ['partner-api'],
    });
    const start = rx.requests.length;
    const created = await opsgenie.deliver(o, message(), context());
    assert.equal(created.detail, 'opsgenie create (request req-1)');
    for (const event of ['escalated', 'acknowledged', 'resolved'] as const) {
      await opsgenie.deliver(o, message({ event, deliveryKey: event }), context());
    }
    const sent = rx.requests.slice(start);
    const alias = encodeURIComponent('latency-spike:api-health:production');
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.url}`),
      [
        'POST /v2/alerts',
        `POST /v2/alerts/${alias}/notes?identifierType=alias`,
        `POST /v2/alerts/${alias}/acknowledge?identifierType=alias`,
        `POST /v2/alerts/${alias}/close?identifierType=alias`,
      ],
    );
    for (const r of sent) assert.equal(r.headers.authorization, `GenieKey ${GENIE_KEY}`);
    const alert = ogCreate.parse(sent[0]!.json);
    assert.equal(alert.alias, 'latency-spike:api-health:production');
    assert.equal(alert.priority, 'P1');
    assert.deepEqual(alert.responders, [{ type: 'team', name: 'payments' }]);
    assert.ok(alert.tags?.includes('partner-api'));
    for (const r of sent.slice(1)) ogAction.parse(r.json);
    assert.ok(ogAction.parse(sent[1]!.json).note?.includes('Escalated'));
  });

  test('opsgenie: a 200-character title is cut to the 130 the API takes; EU region by option', () => {
    const o = opsgenie.options.parse({ apiKey: GENIE_KEY, region: 'eu' });
    assert.equal(o.region, 'eu');
    const m = message();
    m.incident.title = 't'.repeat(200);
    return opsgenie
      .deliver({ ...o, apiUrl: rx.url }, m, context())
      .then(() => assert.equal(ogCreate.parse(rx.requests.at(-1)!.json).message.length, 130));
  });
});
