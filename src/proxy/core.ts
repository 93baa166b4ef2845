import type { LookupFunction } from 'node:net';
import { InputError } from '../core/errors.js';
import { Redactor } from '../http/redact.js';
import type { ApiSpec } from '../openapi/types.js';
import { type FaultIssue, validateFaults } from './fault-parse.js';
import { type AddResult, type FaultStatus, FaultTable } from './fault-table.js';
import type { FaultDefinition } from './faults.js';
import type { ObservedExchange } from './observation.js';
import { Ring } from './ring.js';
import { type ProxyStats, StatsCounter } from './stats.js';
import type { UpstreamTls } from './upstream.js';

/** How to start a fault proxy. */
export interface ProxyOptions {
  /** http(s)://host:port[/prefix] to forward to; in TCP mode host:port (or tcp://host:port). */
  upstream: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Relay bytes instead of HTTP requests (faults: latency, bandwidth, reset, blackhole). */
  tcp?: boolean;
  /** Serve HTTPS to clients with this certificate and key (PEM text). */
  tls?: { cert: string; key: string };
  /** TLS towards an https upstream. */
  upstreamTls?: UpstreamTls;
  /** The API's spec: operations for matching faults and observations, and request conformance. */
  spec?: ApiSpec;
  /** Faults active from the start. */
  faults?: readonly FaultDefinition[];
  /** Seed of every random draw (rates, jitter): the same seed and traffic fault the same requests. Default 1. */
  seed?: number;
  /** Header naming the client in observations (default x-client-id). */
  clientHeader?: string;
  /** Observations kept, newest last (default 10 000). */
  maxObservations?: number;
  /** Largest request or response body the proxy buffers (default 10 MiB). */
  maxBodyBytes?: number;
  /** Longest wait for the upstream's answer head (default 60 s). */
  upstreamTimeoutMs?: number;
  /** Hides credentials in recorded headers and URLs (default: the built-in names). */
  redactor?: Redactor;
  /**
   * DNS lookup for upstream connections (the service's address guard, src/http/address-guard.ts): an
   * upstream it refuses makes the start fail (IP literal) or each connection fail (name). Default: dns.lookup.
   */
  lookup?: LookupFunction;
}

/** A running proxy: its address, its faults, its counters and observations. */
export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  readonly mode: 'http' | 'tcp';
  /** Adds validated faults, all or none; issues point into the list (`/0/operation`). */
  addFaults(defs: readonly FaultDefinition[]): AddResult;
  /** Validates and adds one fault or a list (JSON as the control API takes it); throws InputError when invalid. */
  addFault(input: unknown): FaultStatus[];
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): FaultStatus[];
  stats(): ProxyStats;
  /** Recorded exchanges, oldest first (HTTP mode; empty in TCP mode). */
  observations(): ObservedExchange[];
  clearObservations(): void;
  close(): Promise<void>;
}

/** State shared by the HTTP and TCP proxies: fault table, counters, observation buffer. */
export class ProxyCore {
  readonly table: FaultTable;
  readonly stats = new StatsCounter();
  readonly ring: Ring<ObservedExchange>;
  readonly redactor: Redactor;
  readonly seed: number;

  constructor(
    readonly options: ProxyOptions,
    readonly mode: 'http' | 'tcp',
  ) {
    this.seed = options.seed ?? 1;
    this.table = new FaultTable({
      seed: this.seed,
      ...(options.spec && { spec: options.spec }),
      tcp: mode === 'tcp',
    });
    this.ring = new Ring(options.maxObservations ?? 10_000);
    this.redactor = options.redactor ?? new Redactor();
    if (options.faults && options.faults.length > 0) {
      const added = this.table.add(options.faults);
      if (!added.ok) throw faultError(added.issues);
    }
  }

  /** The methods of FaultProxy that do not depend on the transport. */
  facade(url: string, port: number, close: () => Promise<void>): FaultProxy {
    return {
      url,
      port,
      mode: this.mode,
      addFaults: (defs) => this.table.add(defs),
      addFault: (input) => {
        const parsed = validateFaults(input);
        if (!parsed.ok) throw faultError(parsed.issues);
        const added = this.table.add(parsed.faults, Array.isArray(input) ? (i) => `/${i}` : () => '');
        if (!added.ok) throw faultError(added.issues);
        return added.faults;
      },
      removeFault: (id) => this.table.remove(id),
      clearFaults: () => this.table.clear(),
      faults: () => this.table.list(),
      stats: () =>
        this.stats.snapshot(this.mode, this.table.list(), {
          kept: this.ring.length,
          dropped: this.ring.dropped,
        }),
      observations: () => this.ring.toArray(),
      clearObservations: () => this.ring.clear(),
      close,
    };
  }
}

/** Invalid fault definitions, with a pointer for each problem (the control API answers them with a 400). */
export class FaultError extends InputError {
  constructor(readonly issues: readonly FaultIssue[]) {
    super(
      'proxy.bad-fault',
      `invalid fault: ${issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ')}`,
    );
  }
}

function faultError(issues: readonly FaultIssue[]): FaultError {
  return new FaultError(issues);
}
