import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, test } from 'node:test';
import { InputError, TargetError } from '../core/errors.js';
import {
  BLOCKED_CODE,
  cidrContains,
  classify,
  classifyAddress,
  createAddressGuard,
  embeddedIpv4,
  isBlocked,
  parseCidr,
  policyOf,
  preconnect,
} from './address-guard.js';

describe('classifyAddress', () => {
  const cases: [string, string][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.2', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['4000::1', 'reserved'],
    // IPv4 embedded in IPv6 is judged as the IPv4 it reaches
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.1.1.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0808:0808::1', 'public'],
  ];
  for (const [ip, expected] of cases) {
    test(`${ip} is ${expected}`, () => assert.equal(classifyAddress(ip), expected));
  }

  test('names the range that matched, and the embedded IPv4', () => {
    assert.deepEqual(classify('10.1.2.3'), { address: '10.1.2.3', class: 'private', range: '10.0.0.0/8' });
    const mapped = classify('::ffff:192.168.0.1');
    assert.equal(mapped.embedded, '192.168.0.1');
    assert.equal(mapped.range, '192.168.0.0/16');
  });

  test('refuses to classify a name', () => {
    assert.throws(() => classify('example.com'), TypeError);
  });
});

describe('CIDRs', () => {
  test('parses v4, v6, bare addresses and refuses junk', () => {
    assert.equal(parseCidr('127.0.0.0/8')?.text, '127.0.0.0/8');
    assert.equal(parseCidr('10.0.0.5')?.text, '10.0.0.5/32');
    assert.equal(parseCidr('fd00::/8')?.family, 'ipv6');
    assert.equal(parseCidr('[::1]')?.text, '::1/128');
    for (const bad of ['', 'example.com', '10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0/8']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });

  test('matches v4 and v6, never across families', () => {
    const v4 = parseCidr('127.0.0.0/8')!;
    assert.ok(cidrContains(v4, '127.0.0.2'));
    assert.ok(!cidrContains(v4, '128.0.0.1'));
    assert.ok(!cidrContains(v4, '::ffff:127.0.0.1'));
    const v6 = parseCidr('fd00::/8')!;
    assert.ok(cidrContains(v6, 'fd12::1'));
    assert.ok(!cidrContains(v6, 'fc00::1'));
    assert.ok(!cidrContains(v6, '10.0.0.1'));
    assert.ok(!cidrContains(v6, 'not-an-ip'));
  });

  test('extracts the IPv4 address inside IPv6 forms', () => {
    assert.equal(embeddedIpv4('::ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(embeddedIpv4('64:ff9b::102:304'), '1.2.3.4');
    assert.equal(embeddedIpv4('2002:102:304::'), '1.2.3.4');
    assert.equal(embeddedIpv4('::1'), undefined);
    assert.equal(embeddedIpv4('2001:4860::1'), undefined);
  });
});

/** Calls a lookup function and returns what it answered. */
function resolve(
  lookup: LookupFunction,
  host: string,
  all = true,
): Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((done) => {
    lookup(host, { all }, (err, address, family) =>
      done(family === undefined ? { err, address } : { err, address, family }),
    );
  });
}

describe('createAddressGuard: lookup', () => {
  test('refuses a private IP literal with a sentence naming the address and the rule', async () => {
    const { err } = await resolve(createAddressGuard().lookup, '10.0.0.5');
    assert.equal(err?.code, BLOCKED_CODE);
    assert.equal(
      err?.message,
      'refused to connect to 10.0.0.5 (private range 10.0.0.0/8); allow it with --allow-private-targets',
    );
    assert.ok(isBlocked(err));
  });

  test('refuses localhost by name, through DNS', async () => {
    const { err } = await resolve(createAddressGuard().lookup, 'localhost');
    assert.equal(err?.code, BLOCKED_CODE);
    assert.match(err!.message, /^refused to connect to (127\.0\.0\.1|::1) \(localhost → loopback range/);
  });

  test('answers in the shape asked for: all or one', async () => {
    const guard = createAddressGuard({ allowPrivate: ['127.0.0.0/8', '::1'] });
    const many = await resolve(guard.lookup, 'localhost', true);
    assert.equal(many.err, null);
    assert.ok(Array.isArray(many.address) && many.address.length >= 1);
    const one = await resolve(guard.lookup, 'localhost', false);
    assert.equal(one.err, null);
    assert.equal(typeof one.address, 'string');
    assert.ok(one.family === 4 || one.family === 6);
    const literal = await resolve(guard.lookup, '127.0.0.1', false);
    assert.deepEqual(literal, { err: null, address: '127.0.0.1', family: 4 });
  });

  test('a CIDR list opens only its ranges and says which are open', async () => {
    const lookup = createAddressGuard({ allowPrivate: ['127.0.0.1/32'] }).lookup;
    assert.equal((await resolve(lookup, '127.0.0.1')).err, null);
    const { err } = await resolve(lookup, '127.0.0.2');
    assert.equal(err?.code, BLOCKED_CODE);
    assert.match(err!.message, /loopback range 127\.0\.0\.0\/8, outside the allowed 127\.0\.0\.1\/32/);
    assert.equal((await resolve(lookup, '10.0.0.1')).err?.code, BLOCKED_CODE);
  });

  test('v4-mapped and NAT64 forms of a private address are refused like the address', async () => {
    const lookup = createAddressGuard().lookup;
    for (const ip of ['::ffff:10.0.0.5', '::ffff:a00:5', '64:ff9b::a00:5', '[::ffff:127.0.0.1]']) {
      const { err } = await resolve(lookup, ip);
      assert.equal(err?.code, BLOCKED_CODE, ip);
    }
    // ...and allowed by the IPv4 CIDR that covers them
    const open = createAddressGuard({ allowPrivate: ['10.0.0.0/8'] }).lookup;
    assert.equal((await resolve(open, '::ffff:10.0.0.5')).err, null);
  });

  test('metadata stays refused with allowPrivate true or a wide CIDR, opens only when named', async () => {
    for (const allowPrivate of [true, ['169.254.0.0/16'], ['0.0.0.0/0']] as const) {
      const { err } = await resolve(createAddressGuard({ allowPrivate }).lookup, '169.254.169.254');
      assert.equal(err?.code, BLOCKED_CODE, JSON.stringify(allowPrivate));
      assert.match(err!.message, /cloud metadata address/);
    }
    const v6 = await resolve(createAddressGuard({ allowPrivate: true }).lookup, 'fd00:ec2::254');
    assert.equal(v6.err?.code, BLOCKED_CODE);
    const named = createAddressGuard({ allowPrivate: ['169.254.169.254/32'] }).lookup;
    assert.equal((await resolve(named, '169.254.169.254')).err, null);
    assert.equal((await resolve(named, '169.254.1.1')).err?.code, BLOCKED_CODE);
  });

  test('metadata.google.internal is refused by name, before DNS', async () => {
    const { err } = await resolve(
      createAddressGuard({ allowPrivate: true }).lookup,
      'Metadata.Google.Internal.',
    );
    assert.equal(err?.code, BLOCKED_CODE);
    assert.match(err!.message, /metadata\.google\.internal: a cloud metadata service/);
  });

  test('allowPrivate true opens private and loopback', async () => {
    const lookup = createAddressGuard({ allowPrivate: true }).lookup;
    for (const ip of ['10.0.0.5', '127.0.0.1', '::1', 'fd00::5', '100.64.1.1']) {
      assert.equal((await resolve(lookup, ip)).err, null, ip);
    }
  });

  test('allowHosts: exact names, case-insensitive, wildcards for subdomains only', async () => {
    const lookup = createAddressGuard({
      allowHosts: ['Localhost', '*.partner.example', '127.0.0.1'],
      allowPrivate: ['127.0.0.0/8'],
    }).lookup;
    assert.equal((await resolve(lookup, 'LOCALHOST')).err, null);
    assert.equal((await resolve(lookup, '127.0.0.1')).err, null);
    const other = await resolve(lookup, '127.0.0.2');
    assert.equal(other.err?.code, BLOCKED_CODE);
    assert.match(
      other.err!.message,
      /^refused to connect to 127\.0\.0\.2: not one of the hosts this run may reach/,
    );
    // the apex is not a subdomain of itself; the name is refused before any DNS is asked
    assert.equal((await resolve(lookup, 'partner.example')).err?.code, BLOCKED_CODE);
    assert.equal((await resolve(lookup, 'evilpartner.example')).err?.code, BLOCKED_CODE);
  });

  test('a malformed policy is an input error', () => {
    assert.throws(
      () => createAddressGuard({ allowPrivate: ['10.0.0.0/40'] }),
      (e) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.code, 'ssrf.bad-cidr');
        return true;
      },
    );
    assert.throws(() => createAddressGuard({ allowHosts: ['http://x/'] }), InputError);
  });

  test('policyOf recognises a guard lookup only', () => {
    const guard = createAddressGuard({ allowPrivate: ['127.0.0.0/8'] });
    assert.deepEqual(policyOf(guard.lookup), { allowPrivate: ['127.0.0.0/8'] });
    assert.equal(
      policyOf(() => {}),
      undefined,
    );
    assert.equal(policyOf(undefined), undefined);
  });

  test('describe() summarises the policy', () => {
    assert.match(createAddressGuard().describe(), /any host; private, loopback.*refused/);
    assert.match(
      createAddressGuard({ allowHosts: ['api.example.com'], allowPrivate: ['127.0.0.0/8'] }).describe(),
      /hosts api\.example\.com; private addresses refused except 127\.0\.0\.0\/8/,
    );
  });
});

describe('checkUrl and preconnect', () => {
  test('checkUrl throws TargetError ssrf.blocked', async () => {
    const guard = createAddressGuard();
    await assert.rejects(guard.checkUrl('http://169.254.169.254/latest/meta-data/'), (e) => {
      assert.ok(e instanceof TargetError);
      assert.equal(e.code, 'ssrf.blocked');
      assert.match(e.message, /169\.254\.169\.254 \(cloud metadata address 169\.254\.169\.254\/32\)/);
      return true;
    });
    await assert.rejects(guard.checkUrl('http://[::1]:8080/'), { code: 'ssrf.blocked' });
    await assert.rejects(guard.checkUrl('http://0x7f.1/'), { code: 'ssrf.blocked' });
    await assert.rejects(guard.checkUrl('not a url'), InputError);
  });

  test('checkUrl passes an allowed URL', async () => {
    await createAddressGuard({ allowPrivate: ['127.0.0.0/8'] }).checkUrl('http://127.0.0.1:1/');
  });

  test('preconnect vets IP literals and leaves names to the connect', async () => {
    const lookup = createAddressGuard().lookup;
    await assert.rejects(preconnect(lookup, '[::1]'), { code: 'ssrf.blocked' });
    await preconnect(lookup, 'localhost'); // the connect's own lookup refuses it
    await preconnect(undefined, '10.0.0.1');
  });
});
