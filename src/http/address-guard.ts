import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { InputError, TargetError } from '../core/errors.js';
import { type Cidr, type Classification, cidrContains, classify, parseCidr } from './address-ranges.js';
import { Agent, buildConnector } from './undici.js';

export {
  type AddressClass,
  type Cidr,
  type Classification,
  cidrContains,
  classify,
  classifyAddress,
  embeddedIpv4,
  parseCidr,
} from './address-ranges.js';

/** Where outbound traffic may go. Serialisable: worker threads rebuild the guard from it. */
export interface AddressPolicy {
  /** Host names traffic may go to (case-insensitive, exact; "*.example.com" matches any subdomain); undefined = any. */
  allowHosts?: readonly string[];
  /** true: private, loopback, link-local... allowed; a list of CIDRs: only those. Metadata needs its exact address. */
  allowPrivate?: boolean | readonly string[];
}

/** The outbound address guard: a DNS lookup for sockets that refuses what the policy forbids. */
export interface AddressGuard {
  readonly policy: Readonly<AddressPolicy>;
  /** For net.connect, tls.connect, http.Agent and undici's `connect`: resolves, then refuses blocked addresses. */
  readonly lookup: LookupFunction;
  /** Pre-flight for a URL: rejects with TargetError "ssrf.blocked" when its host or any address is refused. */
  checkUrl(url: string): Promise<void>;
  /** One line for logs: what the guard allows. */
  describe(): string;
}

/** The code of the error the guard's lookup fails with (mapped to "ssrf.blocked" by classifyNetworkError). */
export const BLOCKED_CODE = 'EGANGWAYBLOCKED';

/** A connection the guard refused; `code` is EGANGWAYBLOCKED, the message names the address and the rule. */
export class BlockedAddressError extends Error {
  readonly code = BLOCKED_CODE;
  constructor(
    message: string,
    readonly hostname: string,
    readonly address: string | undefined,
  ) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog']);
const FLAG = '--allow-private-targets';

const LABEL: Record<string, string> = {
  private: 'private range',
  cgnat: 'shared (CGNAT) range',
  loopback: 'loopback range',
  'link-local': 'link-local range',
  multicast: 'multicast range',
  unspecified: 'unspecified address',
  reserved: 'reserved range',
  metadata: 'cloud metadata address',
};

// Which lookup functions are guards, and their policy: load workers cannot receive a function, so they
// rebuild the guard from the policy (see policyOf).
const policies = new WeakMap<LookupFunction, Readonly<AddressPolicy>>();

/** How the guard resolves names: dns.lookup with `all: true` (tests inject a resolver that rebinds). */
export type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Builds a guard; throws InputError "ssrf.bad-cidr" / "ssrf.bad-host" for a malformed policy. */
export function createAddressGuard(
  policy: AddressPolicy = {},
  options: { resolve?: Resolve } = {},
): AddressGuard {
  const resolve: Resolve = options.resolve ?? dnsLookup;
  const frozen = freezePolicy(policy);
  const cidrs = Array.isArray(frozen.allowPrivate) ? frozen.allowPrivate.map(cidrOf) : undefined;
  const allowAllPrivate = frozen.allowPrivate === true;
  const hosts = frozen.allowHosts?.map(normalizeHost);

  const hostRefusal = (host: string): string | undefined => {
    if (hosts && !hosts.some((pattern) => hostMatches(pattern, host))) {
      const list = hosts.length === 0 ? 'none' : hosts.join(', ');
      return `refused to connect to ${host}: not one of the hosts this run may reach (${list})`;
    }
    if (METADATA_NAMES.has(host) && !cidrs?.some(isMetadataHostRoute)) {
      return `refused to connect to ${host}: a cloud metadata service; metadata addresses stay refused unless ${FLAG} names them exactly`;
    }
    return undefined;
  };

  const addressRefusal = (host: string, address: string): string | undefined => {
    const c = classify(address);
    if (c.class === 'public') return undefined;
    if (c.class === 'metadata') {
      if (cidrs?.some((cidr) => cidr.prefix === (cidr.family === 'ipv4' ? 32 : 128) && covers(cidr, c)))
        return undefined;
      return `refused to connect to ${address} (${because(host, c)}); metadata addresses stay refused unless ${FLAG} names them exactly (${c.embedded ?? c.address})`;
    }
    if (allowAllPrivate) return undefined;
    if (cidrs?.some((cidr) => covers(cidr, c))) return undefined;
    const outside = cidrs ? `, outside the allowed ${cidrs.map((x) => x.text).join(', ')}` : '';
    return `refused to connect to ${address} (${because(host, c)}${outside}); allow it with ${FLAG}`;
  };

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const host = normalizeHost(hostname);
    const refused = hostRefusal(host);
    if (refused !== undefined) {
      process.nextTick(callback, new BlockedAddressError(refused, host, undefined), '', undefined);
      return;
    }
    const all = lookupOptions.all === true;
    const answer = (addresses: readonly LookupAddress[]) => {
      for (const a of addresses) {
        const reason = addressRefusal(host, a.address);
        if (reason !== undefined) {
          callback(new BlockedAddressError(reason, host, a.address), '', undefined);
          return;
        }
      }
      const first = addresses[0];
      if (first === undefined) callback(notFound(hostname), '', undefined);
      else if (all) callback(null, [...addresses]);
      else callback(null, first.address, first.family);
    };
    const version = isIP(host);
    if (version !== 0) {
      // An IP literal: the same checks, no DNS (process.nextTick: callers expect an asynchronous answer).
      process.nextTick(answer, [{ address: host, family: version }]);
      return;
    }
    // Every address is checked, not only the one the caller will use: a name with one public and one
    // private address is refused, whatever order the resolver returns them in.
    resolve(hostname, { ...(lookupOptions as LookupOptions), all: true }, (err, addresses) => {
      if (err) callback(err, '', undefined);
      else answer(addresses);
    });
  };
  policies.set(lookup, frozen);

  return {
    policy: frozen,
    lookup,
    checkUrl: async (url) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new InputError('http.bad-url', `"${url}" is not a URL`);
      }
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      if (host === '') throw new InputError('http.bad-url', `"${url}" has no host`);
      await vetHost(lookup, host);
    },
    describe: () => describePolicy(frozen),
  };
}

/** The policy behind a guard's lookup function; undefined for any other function. */
export function policyOf(lookup: LookupFunction | undefined): Readonly<AddressPolicy> | undefined {
  return lookup === undefined ? undefined : policies.get(lookup);
}

/**
 * Runs `lookup` on a host and rejects as the connection would: TargetError "ssrf.blocked" when refused,
 * TargetError "http.dns" when the name does not resolve. net.connect and tls.connect skip `lookup` for
 * an IP literal, so code that opens sockets calls this first for literals (see preconnect).
 */
export function vetHost(lookup: LookupFunction, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (err) => {
      if (!err) resolve();
      else if (err.code === BLOCKED_CODE)
        reject(new TargetError('ssrf.blocked', err.message, { cause: err }));
      else reject(new TargetError('http.dns', `cannot resolve ${host}: ${err.message}`, { cause: err }));
    });
  });
}

/**
 * What a socket opener calls before net.connect/tls.connect with `lookup`: an IP literal is vetted here
 * (node skips `lookup` for literals); a name resolves nothing yet, the connect's own lookup vets it.
 */
export async function preconnect(lookup: LookupFunction | undefined, host: string): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (lookup !== undefined && isIP(bare) !== 0) await vetHost(lookup, bare);
}

/**
 * Wraps an undici connector built with `lookup` so that IP-literal hosts meet the same lookup first
 * (node skips it for literals); names go straight to the connector, whose lookup vets them.
 */
export function vetLiterals(
  connect: buildConnector.connector,
  lookup: LookupFunction,
): buildConnector.connector {
  return (opts, callback) => {
    if (isIP(opts.hostname) === 0) {
      connect(opts, callback);
      return;
    }
    lookup(opts.hostname, { all: true }, (err) => {
      if (err) callback(err, null);
      else connect(opts, callback);
    });
  };
}

/**
 * An undici Agent whose every connection goes through `lookup`, IP literals and redirects included:
 * for code that fetches on its own (`fetch(url, { dispatcher })` with undici's fetch). The caller closes it.
 */
export function guardedAgent(lookup: LookupFunction, connect: buildConnector.BuildOptions = {}): Agent {
  return new Agent({ connect: vetLiterals(buildConnector({ ...connect, lookup }), lookup) });
}

/** Whether an error is (or wraps) the guard's refusal. */
export function isBlocked(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === BLOCKED_CODE || code === 'ssrf.blocked') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function because(host: string, c: Classification): string {
  const rule = `${LABEL[c.class] ?? c.class} ${c.range ?? ''}`.trim();
  const via = c.embedded === undefined ? '' : `IPv4 ${c.embedded} → `;
  const name = host === c.address || isIP(host) !== 0 ? '' : `${host} → `;
  return `${name}${via}${rule}`;
}

function covers(cidr: Cidr, c: Classification): boolean {
  return cidrContains(cidr, c.address) || (c.embedded !== undefined && cidrContains(cidr, c.embedded));
}

function isMetadataHostRoute(cidr: Cidr): boolean {
  const host = cidr.prefix === (cidr.family === 'ipv4' ? 32 : 128);
  return host && classify(cidr.text.slice(0, cidr.text.lastIndexOf('/'))).class === 'metadata';
}

function cidrOf(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) {
    throw new InputError(
      'ssrf.bad-cidr',
      `"${text}" is not a CIDR such as 127.0.0.0/8 or fd00::/8 (in the allowed private targets)`,
    );
  }
  return cidr;
}

function freezePolicy(policy: AddressPolicy): Readonly<AddressPolicy> {
  const out: AddressPolicy = {};
  if (policy.allowHosts !== undefined) {
    for (const h of policy.allowHosts) {
      if (!/^(\*\.)?[^\s*/?#@]+$/.test(h.trim())) {
        throw new InputError(
          'ssrf.bad-host',
          `"${h}" is not a host name or "*.domain" (in the allowed hosts)`,
        );
      }
    }
    out.allowHosts = Object.freeze([...policy.allowHosts]);
  }
  if (policy.allowPrivate !== undefined) {
    out.allowPrivate =
      typeof policy.allowPrivate === 'boolean'
        ? policy.allowPrivate
        : Object.freeze([...policy.allowPrivate]);
  }
  return Object.freeze(out);
}

/** Lower case, no brackets, no trailing dot: "API.Example.com." and "api.example.com" are one host. */
function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  if (pattern === host) return true;
  // IPv6 literals may be written in several ways: compare them as addresses.
  return isIP(pattern) === 6 && isIP(host) === 6 && sameIpv6(pattern, host);
}

function sameIpv6(a: string, b: string): boolean {
  const cidr = parseCidr(a);
  return cidr !== undefined && cidrContains(cidr, b);
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    hostname,
  });
}

function describePolicy(p: Readonly<AddressPolicy>): string {
  const hosts = p.allowHosts === undefined ? 'any host' : `hosts ${p.allowHosts.join(', ') || '(none)'}`;
  let priv = 'private, loopback, link-local and reserved addresses refused';
  if (p.allowPrivate === true) priv = 'private addresses allowed';
  else if (Array.isArray(p.allowPrivate) && p.allowPrivate.length > 0) {
    priv = `private addresses refused except ${p.allowPrivate.join(', ')}`;
  }
  return `outbound guard: ${hosts}; ${priv}; cloud metadata refused unless named`;
}
