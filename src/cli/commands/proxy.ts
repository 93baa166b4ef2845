import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { InputError } from '../../core/errors.js';
import { loadSpec } from '../../openapi/load.js';
import type { ApiSpec } from '../../openapi/types.js';
import {
  FAULT_TYPES,
  type FaultDefinition,
  type FaultProxy,
  type FaultStatus,
  parseFaultText,
  startControlServer,
  startProxy,
} from '../../proxy/index.js';
import { judgeClients, renderClientReports } from '../../proxy/observe/index.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { collect, parseInteger, parseSeed } from './options.js';

interface ProxyFlags {
  upstream: string;
  port?: number;
  host: string;
  controlPort?: number;
  spec?: string;
  fault: string[];
  tcp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  seed?: number;
  clientHeader: string;
  maxObservations?: number;
  observe?: boolean;
}

/** `gangway proxy --upstream <url>`: a fault proxy with a control API until Ctrl-C, then a summary. */
export function registerProxy(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('proxy')
    .description('run a fault proxy in front of an API (HTTP(S) or TCP) with a control API, until Ctrl-C')
    .requiredOption(
      '-u, --upstream <url>',
      'where to forward: http(s)://host:port[/prefix], or host:port with --tcp',
    )
    .option('-p, --port <n>', 'port to listen on (default: a free one)', parseInteger)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--control-port <n>', 'port of the control API on 127.0.0.1 (default: a free one)', parseInteger)
    .option('--spec <file>', 'OpenAPI spec: faults by operation, request conformance in observations')
    .option(
      '-f, --fault <fault>',
      `fault active from the start (repeatable): JSON, or short form such as status=503,rate=0.5 · latency=200ms±50ms · reset,first=2 · bandwidth=10kb/s (types: ${FAULT_TYPES.join(', ')})`,
      collect,
      [],
    )
    .option('--tcp', 'relay TCP bytes instead of HTTP (faults: latency, bandwidth, reset, blackhole)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('-k, --insecure', 'accept any TLS certificate from an https upstream')
    .option('--seed <n>', 'seed of rates and jitter, to fault the same requests again', parseSeed)
    .option('--client-header <name>', 'header naming the client in observations', 'x-client-id')
    .option('--max-observations <n>', 'exchanges kept for GET /observations (default 10000)', parseInteger)
    .option('--observe', "judge each client's behaviour (retries, backoff, keys, tokens, timeouts) on exit")
    .action(async (flags: ProxyFlags) => done(await proxy(io, flags)));
}

async function proxy(io: Io, flags: ProxyFlags): Promise<number> {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new InputError('cli.bad-option', '--tls-cert and --tls-key go together');
  }
  if (flags.tcp && (flags.spec || flags.observe || flags.tlsCert)) {
    throw new InputError('cli.bad-option', '--tcp relays bytes: --spec, --observe and --tls-cert need HTTP');
  }
  const faults: FaultDefinition[] = flags.fault.map(parseFaultText);
  const spec: ApiSpec | undefined = flags.spec ? await loadSpec(resolve(io.cwd, flags.spec)) : undefined;
  const tls =
    flags.tlsCert && flags.tlsKey
      ? { cert: await readPem(io, flags.tlsCert), key: await readPem(io, flags.tlsKey) }
      : undefined;
  const running = await startProxy({
    upstream: flags.upstream,
    host: flags.host,
    ...(flags.port !== undefined && { port: flags.port }),
    ...(flags.tcp && { tcp: true }),
    ...(tls && { tls }),
    ...(flags.insecure && { upstreamTls: { insecure: true } }),
    ...(spec && { spec }),
    faults,
    ...(flags.seed !== undefined && { seed: flags.seed }),
    clientHeader: flags.clientHeader,
    ...(flags.maxObservations !== undefined && { maxObservations: flags.maxObservations }),
  });
  let control: Awaited<ReturnType<typeof startControlServer>>;
  try {
    control = await startControlServer(running, { ...(flags.controlPort && { port: flags.controlPort }) });
  } catch (error) {
    await running.close();
    throw error;
  }
  const c = pc.createColors(io.color);
  io.out.write(
    [
      `${c.green('Gangway fault proxy')} (${running.mode}) listening`,
      `  proxy:    ${running.url} -> ${flags.upstream}`,
      `  control:  ${control.url}  (GET/POST/DELETE /faults, DELETE /faults/:id, GET /stats, GET /observations)`,
      `  faults:   ${running.faults().map(describeFault).join('; ') || 'none'}`,
      `  add one:  curl -X POST ${control.url}/faults -d '{"type":"status","status":503,"rate":0.5}'`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await interrupted();
  // Observations are read after closing: a client still waiting on a black hole is recorded when its
  // connection is closed, so a client without a timeout is judged rather than missed.
  await control.close();
  await running.close();
  const observedUntil = Date.now();
  const stats = running.stats();
  const observations = running.observations();
  io.out.write(summary(running, stats, c));
  if (!flags.observe) return EXIT.ok;
  const reports = judgeClients(observations, { observedUntil });
  io.out.write(`\n${renderClientReports(reports, 'text')}\n`);
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? EXIT.blocked : EXIT.ok;
}

async function readPem(io: Io, file: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new InputError('cli.bad-file', `cannot read ${file}: ${(error as Error).message}`);
  }
}

function interrupted(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function describeFault(f: FaultStatus): string {
  const { id, type, ...rest } = f.definition;
  const params = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${id} ${type}${params ? ` ${params}` : ''}`;
}

function summary(
  p: FaultProxy,
  s: ReturnType<FaultProxy['stats']>,
  c: ReturnType<typeof pc.createColors>,
): string {
  const unit = p.mode === 'tcp' ? 'connection(s)' : 'request(s)';
  const outcomes = Object.entries(s.byOutcome)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const statuses = Object.entries(s.byStatus)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
  const lines = [
    '',
    `${c.bold('Summary')}: ${s.requests} ${unit}, ${s.faulted} faulted${outcomes ? `; ${outcomes}` : ''}`,
    ...(statuses ? [`  statuses: ${statuses}`] : []),
    ...s.faults.map(
      (f) => `  fault ${f.id} (${f.definition.type}): matched ${f.matched}, applied ${f.applied}`,
    ),
    '',
  ];
  return lines.join('\n');
}
