import { createAddressGuard } from '../http/address-guard.js';
import { classifyNetworkError } from '../http/errors.js';
import { Client, Pool } from '../http/undici.js';
import type { HttpStepSpec, Step, StepDone } from './types.js';

const NO_TIMEOUTS = { connect: 0, headers: 0, body: 0 };

/** Maps a network error to an error class of the summary: timeout, connection, tls, or other. */
export function errorClassOf(error: unknown): string {
  const { code } = classifyNetworkError(error, '', NO_TIMEOUTS);
  switch (code) {
    case 'http.timeout':
      return 'timeout';
    case 'http.connect-failed':
    case 'http.reset':
    case 'http.dns':
    case 'http.network':
      return 'connection';
    case 'http.tls':
      return 'tls';
    case 'ssrf.blocked':
      return 'blocked';
    default:
      return 'other';
  }
}

/**
 * One in-flight request. undici's legacy handler methods (onHeaders/onData/onComplete) are used on
 * purpose: they hand over raw header buffers, where the newer onResponseStart parses every header into
 * an object per response, which this path never reads.
 */
class Exchange {
  status = 0;
  constructor(readonly done: StepDone) {}
  onConnect(): void {}
  onHeaders(status: number): boolean {
    this.status = status;
    return true;
  }
  onData(): boolean {
    return true;
  }
  onComplete(): void {
    this.done(this.status < 400, this.status, undefined);
  }
  onError(error: Error): void {
    this.done(false, 0, errorClassOf(error));
  }
  onResponseStarted(): void {}
  onBodySent(): void {}
  onUpgrade(): void {}
}

/**
 * The fast step: one request repeated over a keep-alive undici Pool (pipelining 1, so latency is one
 * request's, not a batch's). A status below 400 is a success; the body is read and dropped.
 */
export function httpStep(spec: HttpStepSpec): Step {
  const tls = spec.tls ?? {};
  const clientOptions = {
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: spec.timeoutMs,
    bodyTimeout: spec.timeoutMs,
    connect: {
      timeout: Math.min(spec.timeoutMs, 10_000),
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.cert !== undefined && { cert: tls.cert }),
      ...(tls.key !== undefined && { key: tls.key }),
      ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
      ...(tls.insecure && { rejectUnauthorized: false }),
      // Names are vetted on every connection (DNS rebinding included); an IP-literal origin is vetted
      // once by runLoad before the run starts, since node skips the lookup for literals.
      ...(spec.addressPolicy && { lookup: createAddressGuard(spec.addressPolicy).lookup }),
    },
  };
  // The open model shares a pool (arrivals take any free socket, or queue); in the closed model each
  // virtual user keeps its own client: no search for a free socket per request, as with autocannon.
  const pool = new Pool(spec.origin, { ...clientOptions, connections: spec.connections ?? null });
  const lanes: Client[] = [];
  const options = {
    path: spec.path,
    method: spec.method as 'GET',
    headers: spec.headers,
    ...(spec.body !== undefined && { body: spec.body }),
  };
  return {
    start(_iteration: number, done: StepDone, lane: number): void {
      try {
        let dispatcher: Pool | Client = pool;
        if (lane >= 0) {
          dispatcher = lanes[lane] ?? new Client(spec.origin, clientOptions);
          lanes[lane] = dispatcher;
        }
        // The handler implements the legacy methods only; undici 7 accepts both kinds.
        dispatcher.dispatch(options, new Exchange(done) as never);
      } catch (error) {
        done(false, 0, errorClassOf(error));
      }
    },
    close: async () => {
      await Promise.all([pool.close(), ...lanes.map((c) => c.close())]);
    },
  };
}
