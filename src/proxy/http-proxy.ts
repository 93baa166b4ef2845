import http, { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { isBlocked, preconnect } from '../http/address-guard.js';
import { createRng, type Rng } from '../openapi/prng.js';
import { type FaultProxy, ProxyCore, type ProxyOptions } from './core.js';
import type { Fault } from './faults.js';
import { listen, resetSocket, urlOf } from './listen.js';
import { type ExchangeRecord, observe, parseRequest, type RequestFacts } from './record.js';
import { corrupt, jittered, sleep, writePaced } from './shaping.js';
import {
  BodyTooLarge,
  createUpstream,
  forward,
  passHeaders,
  readBody,
  retryAfterSeconds,
  type Upstream,
} from './upstream.js';

interface Context {
  core: ProxyCore;
  upstream: Upstream;
  jitter: Rng;
  closing: AbortSignal;
  maxBody: number;
  seq: number;
}

/** Starts an HTTP(S) fault proxy in front of `options.upstream`. */
export async function startHttpProxy(options: ProxyOptions): Promise<FaultProxy> {
  const core = new ProxyCore(options, 'http');
  const upstream = createUpstream(
    options.upstream,
    options.upstreamTls,
    options.upstreamTimeoutMs,
    options.lookup,
  );
  // An IP-literal upstream never goes through the lookup: vetted once here (it cannot change).
  await preconnect(options.lookup, new URL(upstream.origin).hostname);
  const closing = new AbortController();
  const ctx: Context = {
    core,
    upstream,
    // Its own sequence: jitter draws do not shift the rate draws of the faults.
    jitter: createRng((core.seed ^ 0x9e3779b9) >>> 0),
    closing: closing.signal,
    maxBody: options.maxBodyBytes ?? 10 * 1024 * 1024,
    seq: 0,
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(ctx, req, res).catch(() => res.destroy());
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket: Socket) => socket.destroy());
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const url = urlOf(options.tls ? 'https' : 'http', options.host ?? '127.0.0.1', port);
  return core.facade(url, port, async () => {
    closing.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    upstream.agent.destroy();
    await closed;
  });
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { core } = ctx;
  const rec: ExchangeRecord = { seq: ctx.seq++, startedAt: Date.now() };
  const facts: RequestFacts = parseRequest(req, core);
  core.stats.requests += 1;
  core.stats.active += 1;
  const abort = new AbortController();
  const onClosing = () => abort.abort();
  ctx.closing.addEventListener('abort', onClosing, { once: true });
  res.once('close', () => {
    abort.abort();
    ctx.closing.removeEventListener('abort', onClosing);
    core.stats.active -= 1;
    rec.outcome ??= res.writableFinished ? 'answered' : 'client-abort';
    core.stats.ended(rec.outcome, rec.status);
    core.ring.push(observe(rec, facts, core));
  });

  let body: Buffer;
  try {
    body = await readBody(req, ctx.maxBody);
  } catch (error) {
    if (error instanceof BodyTooLarge) sendProblem(res, rec, 413, `request body over ${ctx.maxBody} bytes`);
    return; // otherwise the client went away mid-body: the close handler records it
  }
  Object.assign(facts, parseRequest(req, core, body));
  const fault = core.table.pick({
    method: facts.method,
    path: facts.path,
    ...(facts.operation !== undefined && { operation: facts.operation }),
  });
  if (fault) {
    core.stats.faulted += 1;
    rec.fault = { id: fault.id, type: fault.action.type };
  }
  const action = fault?.action;
  if (action?.type === 'status') {
    rec.retryAfterSeconds = action.retryAfter;
    sendProblem(res, rec, action.status, `injected by the Gangway fault proxy (fault ${fault!.id})`, action);
    return;
  }
  if ((action?.type === 'reset' || action?.type === 'blackhole') && action.phase === 'request') {
    holdOrReset(req, rec, action.type);
    return;
  }
  if (action?.type === 'latency') {
    const delay = jittered(action.latencyMs, action.jitterMs, ctx.jitter.next());
    if (!(await sleep(delay, abort.signal))) return;
  }
  await relay(ctx, req, res, body, rec, fault, abort.signal);
}

async function relay(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  rec: ExchangeRecord,
  fault: Fault | undefined,
  signal: AbortSignal,
): Promise<void> {
  let up: IncomingMessage;
  try {
    up = await forward(ctx.upstream, req, body, signal);
  } catch (error) {
    if (signal.aborted) return;
    rec.outcome = 'upstream-error';
    const code = (error as { code?: unknown }).code;
    if (isBlocked(error)) sendProblem(res, rec, 502, (error as Error).message);
    else
      sendProblem(
        res,
        rec,
        502,
        `the upstream did not answer (${typeof code === 'string' ? code : 'error'})`,
      );
    return;
  }
  const status = up.statusCode ?? 502;
  const headers = passHeaders(up.headers);
  rec.retryAfterSeconds = retryAfterSeconds(up.headers['retry-after']?.toString());
  const action = fault?.action;
  if (action === undefined || action.type === 'latency' || action.type === 'slow-headers') {
    if (action?.type === 'slow-headers' && !(await sleep(action.delayMs, signal))) {
      up.destroy();
      return;
    }
    rec.status = status;
    res.writeHead(status, headers);
    up.on('data', (chunk: Buffer) => {
      ctx.core.stats.bytes += chunk.length;
    });
    up.once('aborted', () => {
      if (!res.writableFinished) rec.outcome ??= 'upstream-error';
    });
    pipeline(up, res, () => {});
    return;
  }
  let data: Buffer;
  try {
    data = await readBody(up, ctx.maxBody);
  } catch {
    if (signal.aborted) return;
    rec.outcome = 'upstream-error';
    sendProblem(res, rec, 502, 'the upstream body was cut short or too large');
    return;
  }
  if (action.type === 'reset' || action.type === 'blackhole') {
    holdOrReset(req, rec, action.type);
    return;
  }
  if (action.type === 'malformed') data = corrupt(data);
  headers['content-length'] = data.length;
  rec.status = status;
  res.writeHead(status, headers);
  if (action.type === 'truncate') {
    const cut = Math.min(action.afterBytes ?? Math.floor(data.length / 2), Math.max(0, data.length - 1));
    ctx.core.stats.bytes += cut;
    rec.outcome = 'reset';
    // Flush the head and the part, then close: the client sees a body shorter than its Content-Length.
    res.write(data.subarray(0, cut), () => req.socket.destroy());
    return;
  }
  if (action.type === 'bandwidth' || action.type === 'slow-body') {
    const pace =
      action.type === 'bandwidth'
        ? { bytesPerSecond: action.bytesPerSecond }
        : { chunkBytes: action.chunkBytes, intervalMs: action.intervalMs };
    res.flushHeaders();
    if (!(await writePaced(res, data, pace, signal))) return;
  } else {
    res.write(data);
  }
  ctx.core.stats.bytes += data.length;
  res.end();
}

function holdOrReset(req: IncomingMessage, rec: ExchangeRecord, type: 'reset' | 'blackhole'): void {
  rec.outcome = type;
  // A black hole answers nothing: the exchange ends when the client (or the proxy closing) drops the connection.
  if (type === 'reset') resetSocket(req.socket);
}

function sendProblem(
  res: ServerResponse,
  rec: ExchangeRecord,
  status: number,
  detail: string,
  action?: { retryAfter?: number; body?: unknown },
): void {
  rec.status = status;
  const body = JSON.stringify(
    action?.body ?? { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail },
  );
  res.writeHead(status, {
    'content-type': action?.body === undefined ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(action?.retryAfter !== undefined && { 'retry-after': String(action.retryAfter) }),
  });
  res.end(body);
}
