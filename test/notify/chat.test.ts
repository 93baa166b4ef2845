// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { slack } from '../../src/notify/slack.js';
import { teams } from '../../src/notify/teams.js';
import { context, message, type Receiver, startReceiver } from './receiver.js';

// Slack incoming webhooks: https://api.slack.com/messaging/webhooks (top-level `text` + `blocks`),
// Block Kit limits: https://api.slack.com/reference/block-kit/blocks and .../composition-objects#text
const plain = (max: number) =>
  z.strictObject({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });
const mrkdwn = (max: number) =>
  z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) });
const slackSchema = z.strictObject({
  text: z.string().min(1),
  blocks: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('header'), text: plain(150) }),
        z
          .strictObject({
            type: z.literal('section'),
            text: mrkdwn(3000).optional(),
            fields: z.array(mrkdwn(2000)).min(1).max(10).optional(),
          })
          .refine((s) => s.text !== undefined || s.fields !== undefined, 'a section needs text or fields'),
        z.strictObject({
          type: z.literal('actions'),
          elements: z
            .array(
              z.strictObject({
                type: z.literal('button'),
                text: plain(75),
                url: z.url().max(3000),
                action_id: z.string().max(255),
                style: z.enum(['primary', 'danger']).optional(),
              }),
            )
            .min(1)
            .max(25),
        }),
        z.strictObject({ type: z.literal('context'), elements: z.array(mrkdwn(3000)).min(1).max(10) }),
      ]),
    )
    .max(50),
});

// Teams: https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
// and Adaptive Card 1.4 elements https://adaptivecards.io/explorer/ (TextBlock, FactSet, Action.OpenUrl).
const teamsSchema = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null().optional(),
        content: z.object({
          $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
          type: z.literal('AdaptiveCard'),
          version: z.literal('1.4'),
          body: z
            .array(
              z.union([
                z.object({
                  type: z.literal('TextBlock'),
                  text: z.string().min(1),
                  wrap: z.boolean().optional(),
                }),
                z.object({
                  type: z.literal('FactSet'),
                  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
                }),
              ]),
            )
            .min(1),
          actions: z
            .array(
              z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().min(1), url: z.url() }),
            )
            .optional(),
        }),
      }),
    )
    .length(1),
});

describe('slack and teams notifiers', () => {
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver((req) =>
      req.url.startsWith('/services/') ? { status: 200, body: 'ok' } : { status: 202 },
    );
  });
  after(() => rx.close());

  test('slack: Block Kit blocks, a fallback text, buttons for the signed links, mrkdwn escaped', async () => {
    const options = slack.options.parse({ url: `${rx.url}/services/T000/B000/XXXX`, mention: '<!here>' });
    const m = message();
    m.incident.title = 'Latency <spike> & co';
    const result = await slack.deliver(options, m, context());
    assert.equal(result.status, 'delivered');
    const req = rx.requests.at(-1)!;
    assert.equal(req.headers['content-type'], 'application/json');
    const payload = slackSchema.parse(req.json);
    assert.match(payload.text, /^<!here> \[SEV1\] Triggered/);
    const buttons = payload.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    assert.deepEqual(
      buttons.map((b) => [b.text.text, b.url]),
      [
        ['View incident', 'https://gangway.example/incidents/inc_42'],
        ['Acknowledge', 'https://gangway.example/i/inc_42/ack?sig=abc'],
        ['Resolve', 'https://gangway.example/i/inc_42/resolve?sig=def'],
        ['Runbook', 'https://gangway.example/runbooks/latency-spike'],
      ],
    );
    assert.ok(req.body.includes('Latency <spike> & co'), 'the header is plain_text: not escaped');
  });

  test('slack: a resolved message offers no acknowledge button and no mention', async () => {
    const options = slack.options.parse({ url: `${rx.url}/services/T000/B000/XXXX`, mention: '<!here>' });
    await slack.deliver(options, message({ event: 'resolved', text: 'recovered' }), context());
    const payload = slackSchema.parse(rx.requests.at(-1)!.json);
    assert.doesNotMatch(payload.text, /<!here>/);
    assert.ok(!JSON.stringify(payload.blocks).includes('/ack?'));
  });

  test('teams: one Adaptive Card 1.4 attachment with facts and open-URL actions', async () => {
    const options = teams.options.parse({
      url: `${rx.url}/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3t`,
    });
    const result = await teams.deliver(options, message({ event: 'escalated', level: 2 }), context());
    assert.equal(result.status, 'delivered');
    const payload = teamsSchema.parse(rx.requests.at(-1)!.json);
    const card = payload.attachments[0]!.content;
    assert.match(JSON.stringify(card.body[0]), /Escalated \(level 2\)/);
    const facts = card.body.flatMap((b) => (b.type === 'FactSet' ? b.facts : []));
    assert.deepEqual(
      facts.find((f) => f.title === 'Partner'),
      { title: 'Partner', value: 'acme' },
    );
    assert.deepEqual(
      card.actions?.map((a) => a.title),
      ['View incident', 'Acknowledge', 'Resolve', 'Runbook'],
    );
  });

  test('option schemas: the webhook URLs are secrets (a reference or a URL), unknown keys refused', () => {
    assert.ok(slack.secretFields.includes('url'));
    assert.ok(teams.secretFields.includes('url'));
    assert.equal(slack.options.safeParse({ url: '${secret.slack_hook}' }).success, true);
    assert.equal(slack.options.safeParse({ url: 'not a url' }).success, false);
    assert.equal(teams.options.safeParse({ url: 'https://x.example/hook', channel: '#x' }).success, false);
  });
});
