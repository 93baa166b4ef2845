import { BlockList, isIP } from 'node:net';

/** What kind of address an IP is, for the outbound guard. Everything but 'public' is refused by default. */
export type AddressClass =
  | 'public'
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

/** A CIDR parsed once: its text, family and a one-subnet BlockList to test addresses against. */
export interface Cidr {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly prefix: number;
  readonly list: BlockList;
}

/** An address's class and, unless it is public, the range that gave it (named in refusals). */
export interface Classification {
  address: string;
  class: AddressClass;
  range?: string;
  /** Set when the class came from an IPv4 address embedded in an IPv6 one (::ffff:, NAT64, 6to4). */
  embedded?: string;
}

/**
 * Parses "10.0.0.0/8", "fd00::/8" or a bare address (a host route). Returns undefined when it is not
 * a CIDR, so callers can report it as the input error it is.
 */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = stripZone(slash < 0 ? trimmed : trimmed.slice(0, slash)).replace(/^\[|\]$/g, '');
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const bits = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return undefined;
    prefix = Number(bits);
    if (prefix > max) return undefined;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { text: `${address}/${prefix}`, family, prefix, list };
}

/** Whether `ip` lies in `cidr`. Families never cross: an IPv4 rule does not match ::ffff:a.b.c.d here. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const address = stripZone(ip);
  const version = isIP(address);
  if (version === 0) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  // node's BlockList lets an IPv4 rule match an IPv4-mapped IPv6 address (and the reverse); mapped
  // addresses are unwrapped explicitly by classifyAddress, so a plain family match is wanted here.
  if (family !== cidr.family) return false;
  return cidr.list.check(address, family);
}

type Rule = readonly [cidr: string, cls: AddressClass];

// Most specific first: the first match wins (metadata before link-local, 100.100.100.200 before CGNAT).
const V4_RULES: readonly Rule[] = [
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean...
  ['169.254.170.2/32', 'metadata'], // AWS ECS task metadata
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'reserved'], // "this network": 0.x addresses reach the local host on Linux
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
];

const V6_RULES: readonly Rule[] = [
  ['fd00:ec2::254/128', 'metadata'], // AWS over IPv6
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard
  ['2001::/23', 'reserved'], // IETF protocol assignments (Teredo, ORCHID...)
  ['2001:db8::/32', 'reserved'], // documentation
  ['3fff::/20', 'reserved'], // documentation
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];

const GLOBAL_UNICAST = must('2000::/3');

function compile(rules: readonly Rule[]): readonly (readonly [Cidr, AddressClass])[] {
  return rules.map(([text, cls]) => [must(text), cls] as const);
}

function must(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad built-in CIDR ${text}`);
  return cidr;
}

const V4 = compile(V4_RULES);
const V6 = compile(V6_RULES);

/** The class of an IP address (v4, v6, zone ids ignored); IPv4 embedded in IPv6 is judged as the IPv4. */
export function classifyAddress(ip: string): AddressClass {
  return classify(ip).class;
}

/** classifyAddress with the range that matched, for messages. Throws a TypeError on a non-IP. */
export function classify(ip: string): Classification {
  const address = stripZone(ip).replace(/^\[|\]$/g, '');
  const version = isIP(address);
  if (version === 0) throw new TypeError(`not an IP address: ${ip}`);
  if (version === 4) return match(address, V4, 'ipv4') ?? { address, class: 'public' };
  const embedded = embeddedIpv4(address);
  if (embedded !== undefined) {
    const inner = match(embedded, V4, 'ipv4') ?? { address: embedded, class: 'public' as const };
    return { ...inner, address, embedded };
  }
  const found = match(address, V6, 'ipv6');
  if (found) return found;
  // Outside 2000::/3 nothing is allocated for unicast: refuse it rather than guess.
  if (!GLOBAL_UNICAST.list.check(address, 'ipv6'))
    return { address, class: 'reserved', range: 'outside 2000::/3' };
  return { address, class: 'public' };
}

function match(
  address: string,
  rules: readonly (readonly [Cidr, AddressClass])[],
  family: 'ipv4' | 'ipv6',
): Classification | undefined {
  for (const [cidr, cls] of rules) {
    if (cidr.list.check(address, family)) return { address, class: cls, range: cidr.text };
  }
  return undefined;
}

/**
 * The IPv4 address inside an IPv6 one that reaches it: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d, deprecated), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIpv4(ipv6: string): string | undefined {
  const words = ipv6Words(ipv6);
  if (!words) return undefined;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (zero(0, 5) && words[5] === 0xffff) return quad(words[6]!, words[7]!);
  if (zero(0, 4) && words[4] === 0xffff && words[5] === 0) return quad(words[6]!, words[7]!);
  // ::a.b.c.d but not :: or ::1 (those have their own classes)
  if (zero(0, 6) && (words[6] !== 0 || words[7]! > 1)) return quad(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return quad(words[6]!, words[7]!);
  if (words[0] === 0x2002) return quad(words[1]!, words[2]!);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (with "::" and a trailing dotted quad), or undefined. */
function ipv6Words(text: string): number[] | undefined {
  if (isIP(text) !== 6) return undefined;
  let s = text.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = s.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => Number.parseInt(w, 16)));
  const left = parse(head);
  if (tail === undefined) return left.length === 8 ? left : undefined;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** "fe80::1%eth0" → "fe80::1": the zone does not change what the address is. */
function stripZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent < 0 ? ip : ip.slice(0, percent);
}
