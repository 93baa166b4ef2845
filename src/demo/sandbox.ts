import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorMessage, InputError } from '../core/errors.js';
import { statsOf } from './admin.js';
import { TokenIssuer } from './auth.js';
import { certificateFor, generateCertificates, type SandboxCertificates } from './certs.js';
import type { SandboxRuntime, SandboxStats } from './context.js';
import { type FaultName, FaultState, parseFaults } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { RateLimiter } from './rate-limit.js';
import { createRouter } from './router.js';
import { PaymentStore } from './store.js';

export interface SandboxOptions {
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Also listen with TLS, on a free port or the one given. */
  https?: boolean | { port?: number };
  faults?: readonly FaultName[];
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Per access token (default 50 requests per second). */
  rateLimit?: { requests: number; perSeconds: number };
  /** Payments kept in memory before the oldest are evicted (default 10 000). */
  maxPayments?: number;
  /** Clock in epoch ms, for tests of token expiry (default Date.now). */
  clock?: () => number;
}

export interface Sandbox {
  /** Base URL of the HTTP listener, e.g. http://127.0.0.1:4010. */
  url: string;
  /** Base URL of the HTTPS listener, when enabled. */
  httpsUrl?: string;
  /** PEM of the sandbox's own CA (made at start), so clients can trust the HTTPS listener. */
  ca?: string;
  setFaults(faults: readonly FaultName[]): void;
  faults(): FaultName[];
  stats(): SandboxStats;
  close(): Promise<void>;
}

export const DEMO_CLIENT_ID = 'demo-client';
export const DEMO_CLIENT_SECRET = 'demo-secret';
export const DEMO_API_VERSION = '1.4.0';
const MAX_BODY_BYTES = 64 * 1024;

function positive(name: string, value: number | undefined, integer = true): void {
  if (value === undefined) return;
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new InputError(
      'demo.invalid-option',
      `${name} must be a positive ${integer ? 'integer' : 'number'}`,
    );
  }
}

function checkPort(name: string, port: number | undefined): void {
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new InputError('demo.invalid-option', `${name} must be a port number from 0 to 65535`);
  }
}

/** Host part of a URL for the address we listen on; wildcard addresses become loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be used (${errorMessage(error)})`;
      reject(new InputError('demo.listen-failed', `port ${port} on ${host} ${why}: choose another port`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the demo payments API (examples/payments/openapi.yaml): OAuth2 client credentials,
 * idempotent creates, cursor pagination, refunds, rate limits, and switchable fault modes.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  checkPort('port', options.port);
  const httpsPort =
    options.https === undefined || options.https === false
      ? undefined
      : options.https === true
        ? 0
        : (options.https.port ?? 0);
  checkPort('https.port', httpsPort);
  positive('tokenTtlSeconds', options.tokenTtlSeconds);
  positive('rateLimit.requests', options.rateLimit?.requests);
  positive('rateLimit.perSeconds', options.rateLimit?.perSeconds, false);
  positive('maxPayments', options.maxPayments);
  const initial = parseFaults(options.faults ?? []);
  const now = options.clock ?? Date.now;

  const timers = new Set<NodeJS.Timeout>();
  let certs: SandboxCertificates | undefined;
  let httpsServer: HttpsServer | undefined;
  const applyCertificate = (faults: readonly FaultName[]): void => {
    if (!httpsServer || !certs) return;
    const pair = certificateFor(certs, faults);
    // Only new handshakes see the switch; kept-alive connections keep the certificate they got.
    httpsServer.setSecureContext({ ...pair, minVersion: 'TLSv1.2' });
  };

  const rate = options.rateLimit ?? { requests: 50, perSeconds: 1 };
  const rt: SandboxRuntime = {
    faults: new FaultState(initial, applyCertificate),
    issuer: new TokenIssuer({
      clientId: options.clientId ?? DEMO_CLIENT_ID,
      clientSecret: options.clientSecret ?? DEMO_CLIENT_SECRET,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      now,
    }),
    limiter: new RateLimiter(rate.requests, rate.perSeconds, now),
    payments: new PaymentStore(options.maxPayments ?? 10_000, now),
    idempotency: new IdempotencyStore(now),
    stats: {
      requests: 0,
      byOperation: {},
      byStatus: {},
      tokensIssued: 0,
      payments: 0,
      idempotentReplays: 0,
      rateLimited: 0,
      faultsInjected: 0,
    },
    version: DEMO_API_VERSION,
    maxBodyBytes: MAX_BODY_BYTES,
    now,
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
  };

  const router = createRouter(rt);
  const httpServer = createHttpServer(router);
  const servers: (Server | HttpsServer)[] = [httpServer];
  let httpsUrl: string | undefined;
  try {
    const port = await listen(httpServer, options.port ?? 0, host);
    if (httpsPort !== undefined) {
      certs = await generateCertificates(host);
      const pair = certificateFor(certs, initial);
      httpsServer = createHttpsServer({ ...pair, minVersion: 'TLSv1.2' }, router);
      servers.push(httpsServer);
      httpsUrl = `https://${urlHost(host)}:${await listen(httpsServer, httpsPort, host)}`;
    }
    return {
      url: `http://${urlHost(host)}:${port}`,
      ...(httpsUrl ? { httpsUrl, ca: certs!.ca } : {}),
      setFaults: (faults) => rt.faults.set(parseFaults(faults)),
      faults: () => rt.faults.list(),
      stats: () => statsOf(rt),
      close: async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await Promise.all(servers.filter((s) => s.listening).map(closeServer));
      },
    };
  } catch (error) {
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    throw error;
  }
}
