import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector } from './undici.js';

/** Phases of opening one connection, in ms; absent when the phase did not happen (no DNS for an IP). */
interface ConnectionPhases {
  start: number;
  lookupAt?: number;
  connectAt?: number;
  secureAt?: number;
  /** Set once the first request on this socket has taken the phases: later requests reused it. */
  claimed: boolean;
}

/** Per-request timing record, filled in by the diagnostics channel when undici writes the request. */
export interface RequestPhases {
  sentAt?: number;
  dns?: number;
  connect?: number;
  tls?: number;
}

// Process-wide by necessity: diagnostics channels are process-wide, and subscribing once per process (instead
// of once per request) is what keeps the hot path cheap. Sockets are keyed weakly so nothing outlives them.
const connections = new WeakMap<object, ConnectionPhases>();
const pending = new Map<string, RequestPhases>();
let users = 0;

interface SendHeadersMessage {
  request: { headers?: unknown };
  socket: object;
}

/** Correlates undici's internal request with ours through the traceparent we always put first. */
function onSendHeaders(message: unknown): void {
  if (pending.size === 0) return;
  const { request, socket } = message as SendHeadersMessage;
  const headers = request.headers;
  if (!Array.isArray(headers)) return;
  let key: unknown;
  if (headers[0] === 'traceparent') key = headers[1];
  else {
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i] === 'traceparent') {
        key = headers[i + 1];
        break;
      }
    }
  }
  if (typeof key !== 'string') return;
  const rec = pending.get(key);
  if (rec === undefined) return;
  rec.sentAt = performance.now();
  const conn = connections.get(socket);
  if (conn === undefined || conn.claimed) return;
  conn.claimed = true;
  let from = conn.start;
  if (conn.lookupAt !== undefined) {
    rec.dns = conn.lookupAt - from;
    from = conn.lookupAt;
  }
  if (conn.connectAt !== undefined) {
    rec.connect = conn.connectAt - from;
    from = conn.connectAt;
  }
  if (conn.secureAt !== undefined) rec.tls = conn.secureAt - from;
}

/** Starts listening (once per process, however many clients); pair with releaseTimingChannel. */
export function retainTimingChannel(): void {
  if (users++ === 0) diagnosticsChannel.subscribe('undici:client:sendHeaders', onSendHeaders);
}

/** Stops listening when the last client is closed. */
export function releaseTimingChannel(): void {
  if (users > 0 && --users === 0) diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onSendHeaders);
}

/** Registers a request under its traceparent until `untrack`. */
export function track(traceparent: string, rec: RequestPhases): void {
  pending.set(traceparent, rec);
}

/** Forgets a request. */
export function untrack(traceparent: string, rec: RequestPhases): void {
  if (pending.get(traceparent) === rec) pending.delete(traceparent);
}

/** An undici connector that records when DNS, TCP connect and the TLS handshake finish on each new socket. */
export function timedConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options) as unknown as (
    opts: buildConnector.Options,
    callback: buildConnector.Callback,
  ) => Socket;
  return (opts, callback) => {
    const phases: ConnectionPhases = { start: performance.now(), claimed: false };
    const socket = connect(opts, callback);
    connections.set(socket, phases);
    // Prepended: undici writes the first request from its own listener, which must see these times.
    socket.prependOnceListener('lookup', () => {
      phases.lookupAt = performance.now();
    });
    socket.prependOnceListener('connect', () => {
      phases.connectAt = performance.now();
    });
    if (opts.protocol === 'https:') {
      socket.prependOnceListener('secureConnect', () => {
        phases.secureAt = performance.now();
      });
    }
  };
}
