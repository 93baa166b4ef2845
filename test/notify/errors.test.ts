// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret.x} is playbook syntax.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createAddressGuard } from '../../src/http/address-guard.js';
import { DeliveryError, parseRetryAfter, scrub } from '../../src/notify/errors.js';
import { NOTIFIERS, notifierKind, parseNotifier } from '../../src/notify/index.js';
import type { NotifierKind } from '../../src/notify/types.js';
import { context, message, type Receiver, startReceiver } from './receiver.js';

const SECRET = {
  hook: 'whsec_SuperSecretHmacKey_111',
  slackPath: '/services/T0SECRET/B0SECRET/xoxSECRETslackTOKEN',
  teamsSig: 'TEAMSsig_SECRET_222',
  pd: 'PDroutingKeySECRET00000000000333',
  genie: 'genieKEY-SECRET-444',
  gh: 'ghp_GitHubTokenSECRET555',
  jira: 'jiraApiTokenSECRET666',
  header: 'x-api-key-SECRET-777',
};

/** One notifier configured against the receiver, with every secret it has. */
function configs(url: string): Array<[NotifierKind, unknown]> {
  const kinds = Object.fromEntries(NOTIFIERS.map((k) => [k.type, k]));
  const raw: Record<string, unknown> = {
    webhook: { url: `${url}/hook`, secret: SECRET.hook, headers: { 'x-api-key': SECRET.header } },
    slack: { url: `${url}${SECRET.slackPath}` },
    teams: { url: `${url}/workflows/x?sig=${SECRET.teamsSig}` },
    pagerduty: { routingKey: SECRET.pd, apiUrl: url },
    opsgenie: { apiKey: SECRET.genie, apiUrl: url },
    github: { repo: 'acme/ops', token: SECRET.gh, apiUrl: url },
    jira: { url, project: 'OPS', email: 'bot@acme.example', apiToken: SECRET.jira },
  };
  return Object.entries(raw).map(([type, o]) => [kinds[type]!, kinds[type]!.options.parse(o)]);
}

/** A receiver that echoes back everything it got: the worst case for leaking secrets into errors. */
const echo =
  (status: number, headers: Record<string, string> = {}) =>
  (req: { url: string; headers: object; body: string }) => ({
    status,
    headers,
    body: { echo: { url: req.url, headers: req.headers, body: req.body } },
  });

describe('delivery errors', () => {
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver();
  });
  after(() => rx.close());

  for (const [status, retryable] of [
    [500, true],
    [503, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
  ] as const) {
    test(`every HTTP notifier: ${status} is ${retryable ? '' : 'not '}retryable, and no secret is in the error`, async () => {
      rx.respond(echo(status));
      for (const [kind, options] of configs(rx.url)) {
        await assert.rejects(kind.deliver(options, message(), context()), (err) => {
          assert.ok(err instanceof DeliveryError, `${kind.type}: ${String(err)}`);
          assert.equal(err.retryable, retryable, kind.type);
          assert.equal(err.status, status, kind.type);
          const text = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
          for (const secret of Object.values(SECRET))
            assert.ok(!text.includes(secret), `${kind.type} leaked ${secret}: ${err.message}`);
          assert.ok(
            !text.includes(Buffer.from(`bot@acme.example:${SECRET.jira}`).toString('base64')),
            'jira basic credential',
          );
          return true;
        });
      }
    });
  }

  test('429 is retryable and carries Retry-After (seconds or a date)', async () => {
    rx.respond(echo(429, { 'retry-after': '7' }));
    for (const [kind, options] of configs(rx.url)) {
      await assert.rejects(kind.deliver(options, message(), context()), (err) => {
        assert.ok(err instanceof DeliveryError && err.retryable && err.status === 429, kind.type);
        assert.equal(err.retryAfterMs, 7000, kind.type);
        return true;
      });
    }
    const now = Date.parse('2026-03-01T10:00:00Z');
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });

  test('a receiver that is down is retryable; a blocked address is not', async () => {
    const down = await startReceiver();
    const url = down.url;
    await down.close();
    for (const [kind, options] of configs(url)) {
      await assert.rejects(kind.deliver(options, message(), context()), (err) => {
        assert.ok(
          err instanceof DeliveryError && err.retryable && err.code === 'notify.unreachable',
          `${kind.type}: ${String(err)}`,
        );
        for (const secret of Object.values(SECRET)) assert.ok(!err.message.includes(secret), kind.type);
        return true;
      });
    }
    rx.respond(() => ({ status: 200, body: {} }));
    const guard = createAddressGuard({});
    for (const [kind, options] of configs(rx.url)) {
      await assert.rejects(
        kind.deliver(options, message(), context({ http: { lookup: guard.lookup } })),
        (err) => {
          assert.ok(
            err instanceof DeliveryError && !err.retryable && err.code === 'notify.blocked',
            `${kind.type}: ${String(err)}`,
          );
          return true;
        },
      );
    }
  });

  test('a receiver that never answers times out as retryable', async () => {
    // A server that takes the request and never answers.
    const hang = createServer(() => undefined);
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const { port } = hang.address() as { port: number };
    const kind = notifierKind('webhook')!;
    const started = Date.now();
    await assert.rejects(
      kind.deliver(
        kind.options.parse({ url: `http://127.0.0.1:${port}/` }),
        message(),
        context({ http: { timeoutMs: 300 } }),
      ),
      (err) => err instanceof DeliveryError && err.retryable && /no answer within 300 ms/.test(err.message),
    );
    assert.ok(Date.now() - started < 10_000);
    hang.closeAllConnections();
    await new Promise((resolve) => hang.close(resolve));
  });

  test('scrub redacts secrets, their URL-encoded form and a secret URL’s path', () => {
    const url = 'https://hooks.slack.com/services/T1/B2/abcdef';
    assert.equal(scrub(`posting to ${url} failed`, [url]), 'posting to [redacted] failed');
    assert.equal(scrub('path /services/T1/B2/abcdef refused', [url]), 'path [redacted] refused');
    assert.equal(scrub('key a%2Fb%3Dc', ['a/b=c']), 'key [redacted]');
    assert.equal(scrub('ok', ['ok']), 'ok', 'too short to be a secret');
  });
});

describe('notifier registry', () => {
  test('eight types, each with a strict options schema and its secret fields described as secrets', () => {
    assert.deepEqual(
      NOTIFIERS.map((k) => k.type),
      ['webhook', 'slack', 'teams', 'pagerduty', 'opsgenie', 'email', 'github', 'jira'],
    );
    for (const kind of NOTIFIERS) {
      const shape = (kind.options as unknown as { shape?: Record<string, { description?: string }> }).shape;
      assert.ok(shape, `${kind.type} options are an object`);
      for (const field of kind.secretFields)
        assert.match(shape[field]?.description ?? '', /^Secret:/, `${kind.type}.${field}`);
    }
  });

  test('parseNotifier validates a playbook entry with its type, and names every problem', () => {
    const { kind, options } = parseNotifier('oncall', { type: 'pagerduty', routingKey: '${secret.pd_key}' });
    assert.equal(kind.type, 'pagerduty');
    assert.deepEqual(options, { routingKey: '${secret.pd_key}', apiUrl: 'https://events.pagerduty.com' });
    assert.throws(() => parseNotifier('x', { type: 'carrier-pigeon' }), { code: 'notify.unknown-type' });
    assert.throws(
      () => parseNotifier('mail', { type: 'email', host: 'smtp.example', to: [], colour: 'red' }),
      (err: Error & { code?: string }) =>
        err.code === 'notify.invalid-options' &&
        /from/.test(err.message) &&
        /to/.test(err.message) &&
        /colour/.test(err.message),
    );
  });
});
