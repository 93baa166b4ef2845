import net, { type LookupFunction, type Socket } from 'node:net';
import { InputError } from '../core/errors.js';
import { preconnect } from '../http/address-guard.js';
import { createRng, type Rng } from '../openapi/prng.js';
import { type FaultProxy, ProxyCore, type ProxyOptions } from './core.js';
import type { FaultAction } from './faults.js';
import { listen, resetSocket, urlOf } from './listen.js';
import type { ObservedExchange } from './observation.js';
import { jittered, type Pace, sleep, writePaced } from './shaping.js';

/** "host:port" or "tcp://host:port". */
function parseTarget(text: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(text.trim());
  if (!m)
    throw new InputError(
      'proxy.bad-upstream',
      `TCP upstream "${text}" must be host:port (or tcp://host:port)`,
    );
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** Starts a TCP fault proxy: bytes relayed to `options.upstream`, one fault decision per connection. */
export async function startTcpProxy(options: ProxyOptions): Promise<FaultProxy> {
  const target = parseTarget(options.upstream);
  // An IP-literal upstream never goes through the lookup: vetted once here (it cannot change).
  await preconnect(options.lookup, target.host);
  const core = new ProxyCore(options, 'tcp');
  const jitter = createRng((core.seed ^ 0x9e3779b9) >>> 0);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    track(client);
    connection(core, target, client, jitter, track, options.lookup);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return core.facade(urlOf('tcp', host, port), port, async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  });
}

function connection(
  core: ProxyCore,
  target: { host: string; port: number },
  client: Socket,
  jitter: Rng,
  track: (s: Socket) => void,
  lookup: LookupFunction | undefined,
): void {
  core.stats.requests += 1;
  core.stats.active += 1;
  const fault = core.table.pick();
  if (fault) core.stats.faulted += 1;
  const action = fault?.action;
  let outcome: ObservedExchange['outcome'] | undefined;
  client.on('error', () => {});
  client.once('close', () => {
    core.stats.active -= 1;
    core.stats.ended(outcome ?? 'answered', undefined);
  });
  if ((action?.type === 'reset' || action?.type === 'blackhole') && action.phase === 'request') {
    outcome = action.type;
    if (action.type === 'reset') resetSocket(client);
    else client.resume(); // read and drop: the peer sees an open connection that never answers
    return;
  }
  const upstream = net.connect({ port: target.port, host: target.host, ...(lookup && { lookup }) });
  track(upstream);
  const controller = new AbortController();
  const stop = () => {
    controller.abort();
    client.destroy();
    upstream.destroy();
  };
  upstream.once('error', () => {
    outcome ??= 'upstream-error';
    stop();
  });
  client.once('close', stop);
  upstream.once('close', () => {
    if (!client.destroyed) client.end();
  });
  const down = shaping(action, jitter);
  void pump(client, upstream, down, controller.signal, core);
  if (action?.type === 'reset' || action?.type === 'blackhole') {
    // phase "response": the upstream got the request; its answer never arrives.
    // The first chunk of the answer decides; later chunks flow to no listener and are dropped.
    upstream.once('data', () => {
      outcome = action.type;
      if (action.type === 'reset') resetSocket(client);
    });
    return;
  }
  void pump(upstream, client, down, controller.signal, core);
}

interface Shaping {
  delay?: () => number;
  pace?: Pace;
}

function shaping(action: FaultAction | undefined, jitter: Rng): Shaping {
  if (action?.type === 'latency')
    return { delay: () => jittered(action.latencyMs, action.jitterMs, jitter.next()) };
  if (action?.type === 'bandwidth') return { pace: { bytesPerSecond: action.bytesPerSecond } };
  return {};
}

/** Copies `from` to `to` chunk by chunk, each chunk delayed and/or paced; ends `to` when `from` ends. */
async function pump(
  from: Socket,
  to: Socket,
  how: Shaping,
  signal: AbortSignal,
  core: ProxyCore,
): Promise<void> {
  try {
    for await (const chunk of from as AsyncIterable<Buffer>) {
      if (how.delay && !(await sleep(how.delay(), signal))) return;
      if (how.pace) {
        if (!(await writePaced(to, chunk, how.pace, signal))) return;
      } else if (!to.destroyed) {
        to.write(chunk);
      }
      core.stats.bytes += chunk.length;
    }
    if (!to.destroyed) to.end();
  } catch {
    // the connection was reset or destroyed: the close handlers account for it
  }
}
