import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createAddressGuard } from '../../src/http/address-guard.js';
import { email } from '../../src/notify/email.js';
import { DeliveryError } from '../../src/notify/errors.js';
import type { JsonValue } from '../../src/notify/types.js';
import { context, message } from './receiver.js';

const PASSWORD = 'smtp-Pa55word-9f8e7d';

describe('email notifier against a real SMTP receiver', () => {
  const received: ParsedMail[] = [];
  let failNext: number | undefined;
  let server: SMTPServer;
  let port = 0;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'gangway' && auth.password === PASSWORD)
          callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            if (failNext !== undefined) {
              const code = failNext;
              failNext = undefined;
              callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: code }));
              return;
            }
            received.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const opts = (extra: Record<string, unknown> = {}) =>
    email.options.parse({
      host: '127.0.0.1',
      port,
      username: 'gangway',
      password: PASSWORD,
      from: 'Gangway <gangway@ops.example.com>',
      to: ['oncall@example.com', 'lead@example.com'],
      ...extra,
    });

  test('sends text and HTML with a Message-ID from the delivery key; later mails thread under the first', async () => {
    const first = await email.deliver(opts(), message(), context());
    assert.equal(first.status, 'delivered');
    const mail = received.at(-1)!;
    assert.equal(mail.from?.value[0]?.address, 'gangway@ops.example.com');
    assert.deepEqual(
      [mail.to].flat().flatMap((t) => t?.value.map((v) => v.address)),
      ['oncall@example.com', 'lead@example.com'],
    );
    assert.equal(mail.subject, '[gangway] [SEV1] Triggered: Latency spike on api-health');
    assert.match(mail.text ?? '', /p95 latency 2300 ms/);
    assert.match(mail.text ?? '', /Acknowledge: https:\/\/gangway\.example\/i\/inc_42\/ack\?sig=abc/);
    assert.match(
      String(mail.html),
      /<a href="https:\/\/gangway\.example\/i\/inc_42\/ack\?sig=abc">Acknowledge<\/a>/,
    );
    assert.match(mail.messageId ?? '', /^<[0-9a-f]{32}\.gangway@ops\.example\.com>$/);
    assert.equal(mail.headers.get('x-gangway-delivery'), 'inc_42:triggered:1:oncall');
    assert.equal(mail.inReplyTo, undefined);
    assert.deepEqual(first.ref, { thread: mail.messageId });

    const ack = message({ event: 'acknowledged', deliveryKey: 'inc_42:ack', text: 'ada acknowledged' });
    await email.deliver(opts(), ack, context({ ref: first.ref as JsonValue }));
    const reply = received.at(-1)!;
    assert.equal(reply.inReplyTo, mail.messageId);
    assert.deepEqual([reply.references].flat(), [mail.messageId]);
    assert.notEqual(reply.messageId, mail.messageId);

    // A resend of the same delivery (the job ran again) carries the same Message-ID: recognisable.
    await email.deliver(opts(), ack, context({ ref: first.ref as JsonValue }));
    assert.equal(received.at(-1)!.messageId, reply.messageId);
  });

  test('a refused login is not retried and the error holds no password', async () => {
    const before = received.length;
    await assert.rejects(
      email.deliver(opts({ password: 'wrong-Pa55word-000' }), message(), context()),
      (err) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.retryable, false);
        assert.equal(err.status, 535);
        assert.ok(!err.message.includes('wrong-Pa55word-000'), err.message);
        assert.ok(!JSON.stringify(err).includes('wrong-Pa55word-000'));
        return true;
      },
    );
    assert.equal(received.length, before);
  });

  test('a temporary 451 is retried, a permanent 554 is not', async () => {
    failNext = 451;
    await assert.rejects(email.deliver(opts(), message(), context()), (err) => {
      assert.ok(err instanceof DeliveryError && err.retryable && err.status === 451, String(err));
      return true;
    });
    failNext = 554;
    await assert.rejects(email.deliver(opts(), message(), context()), (err) => {
      assert.ok(err instanceof DeliveryError && !err.retryable && err.status === 554, String(err));
      return true;
    });
  });

  test('sockets go through the address guard: refused for loopback by default, sent when allowed', async () => {
    const strict = createAddressGuard({});
    await assert.rejects(
      email.deliver(opts(), message(), context({ http: { lookup: strict.lookup } })),
      (err) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.code, 'notify.blocked');
        assert.equal(err.retryable, false);
        return true;
      },
    );
    const before = received.length;
    const open = createAddressGuard({ allowPrivate: ['127.0.0.0/8'] });
    const ok = await email.deliver(
      opts(),
      message({ deliveryKey: 'guarded' }),
      context({ http: { lookup: open.lookup } }),
    );
    assert.equal(ok.status, 'delivered');
    assert.equal(received.length, before + 1);
  });

  test('a server that is down is retried', async () => {
    await assert.rejects(email.deliver(opts({ port: 1 }), message(), context()), (err) => {
      assert.ok(err instanceof DeliveryError && err.retryable, String(err));
      return true;
    });
  });
});
