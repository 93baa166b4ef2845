// What deliveries reuse instead of rebuilding per message: one guarded HTTP agent per set of notifier hosts
// (kept-alive connections, one address-guard decision per connection rather than per request), and each
// partner's decrypted secrets for a few seconds. Rebuilding both per delivery was a third of its CPU.
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import { guardedAgent } from '../../http/address-guard.js';
import type { Store } from '../../store/index.js';
import { partnerSecrets } from '../partner-secrets.js';

/** How long a partner's secrets are reused: a rotated secret is picked up within this time. */
export const SECRETS_TTL_MS = 5_000;
/** Agents kept (one per distinct set of notifier hosts); the least recently used is closed first. */
const MAX_AGENTS = 64;

export interface NotifyClientsDeps {
  store: Store;
  outbound?: (hosts: string[]) => { lookup: LookupFunction };
  now(): number;
}

export class NotifyClients {
  readonly #agents = new Map<string, { agent: Agent; lookup: LookupFunction }>();
  readonly #secrets = new Map<string, { at: number; values: Promise<Map<string, string>> }>();

  constructor(private readonly deps: NotifyClientsDeps) {}

  /**
   * The HTTP settings for resolved notifier (or action) options: the hosts their URLs and `host` name decide
   * the agent (undefined: no outbound guard).
   */
  httpFor(options: unknown): { dispatcher: Agent; lookup: LookupFunction } | undefined {
    if (!this.deps.outbound) return undefined;
    const hosts = hostsOf(options);
    const key = hosts.sort().join('\n');
    const hit = this.#agents.get(key);
    if (hit) {
      this.#agents.delete(key);
      this.#agents.set(key, hit);
      return { dispatcher: hit.agent, lookup: hit.lookup };
    }
    const { lookup } = this.deps.outbound(hosts);
    const entry = { agent: guardedAgent(lookup), lookup };
    this.#agents.set(key, entry);
    if (this.#agents.size > MAX_AGENTS) {
      const [oldestKey, oldest] = this.#agents.entries().next().value as [string, { agent: Agent }];
      this.#agents.delete(oldestKey);
      void oldest.agent.close().catch(() => undefined);
    }
    return { dispatcher: entry.agent, lookup };
  }

  /** A partner's secret values (its scope over "global"), read again after SECRETS_TTL_MS. */
  secrets(partnerId: string): Promise<Map<string, string>> {
    const now = this.deps.now();
    const hit = this.#secrets.get(partnerId);
    if (hit && now - hit.at < SECRETS_TTL_MS) return hit.values;
    const values = partnerSecrets(this.deps.store, partnerId);
    this.#secrets.set(partnerId, { at: now, values });
    values.catch(() => this.#secrets.delete(partnerId));
    return values;
  }

  /** Closes every agent (their idle connections). */
  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    this.#secrets.clear();
    await Promise.all(agents.map((a) => a.agent.close().catch(() => undefined)));
  }
}

/** Hostnames in resolved options (URL values and a `host`), for the outbound guard. */
function hostsOf(options: unknown): string[] {
  const hosts = new Set<string>();
  for (const value of Object.values((options ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    if (URL.canParse(value)) hosts.add(new URL(value).hostname.replace(/^\[|\]$/g, ''));
  }
  const host = (options as { host?: unknown } | null)?.host;
  if (typeof host === 'string') hosts.add(host);
  return [...hosts];
}
