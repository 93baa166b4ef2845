import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../../core/errors.js';
import { createAddressGuard } from '../../http/address-guard.js';
import { startServer } from '../../service/runtime.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { parseInteger } from './options.js';
import { type TuningFlags, tuning, tuningOptions } from './service-tuning.js';
import { DATA_DIR_HELP, type DataFlags, describeDatabase, storeOptions } from './token.js';

interface ServeFlags extends DataFlags, TuningFlags {
  port: number;
  host: string;
  worker?: boolean;
  concurrency?: number;
  allowPrivateTargets?: boolean | string;
}

export const ALLOW_PRIVATE_HELP =
  'let runs reach private, loopback or link-local targets: all, or only these comma-separated CIDRs (env GANGWAY_ALLOW_PRIVATE_TARGETS)';

/** How long in-flight requests and event streams get to finish when the service stops. */
const STREAM_GRACE_MS = 5_000;

const SERVICE_EXIT_CODES =
  '\nExit codes: 0 stopped by SIGINT/SIGTERM, 2 invalid input (flags, a port in use), 3 internal error.';

/** `gangway serve`: the API (and, on SQLite, the embedded worker) until SIGINT/SIGTERM. */
export function registerServe(program: Command, io: Io, done: (code: number) => void): void {
  const command = program
    .command('serve')
    .description(
      'run the Gangway service (API on /api/v1; SQLite in --data-dir, or DATABASE_URL=postgres://…)',
    )
    .option('-p, --port <n>', 'port to listen on (0: a free one)', parsePort, 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--worker', 'also execute runs in this process (default on SQLite only)')
    .option('--no-worker', 'do not execute runs in this process (gangway worker processes do)')
    .option('--concurrency <n>', 'runs executed at once by this process (default 2)', parseInteger)
    .option('--allow-private-targets [cidrs]', ALLOW_PRIVATE_HELP)
    .addHelpText('after', SERVICE_EXIT_CODES);
  tuningOptions(command).action(async (flags: ServeFlags) => done(await serve(io, flags)));
}

async function serve(io: Io, flags: ServeFlags): Promise<number> {
  const allowPrivateTargets = allowPrivate(flags.allowPrivateTargets, io.env);
  const options = storeOptions(io, flags);
  const tuned = tuning(flags);
  const logger = pino(
    {
      name: 'gangway',
      level: io.env.GANGWAY_LOG_LEVEL ?? 'info',
      // The request serializer logs no headers today; redaction keeps it so if that ever changes.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    io.err,
  );
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      ...(options.url && { databaseUrl: options.url }),
      dataDir: options.dataDir,
      env: io.env,
      host: flags.host,
      port: flags.port,
      ...(flags.worker !== undefined && { worker: flags.worker }),
      ...(flags.concurrency && { concurrency: flags.concurrency }),
      ...(allowPrivateTargets !== undefined && { allowPrivateTargets }),
      ...tuned,
      config: { ...tuned.config, version: VERSION },
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new InputError('cli.listen', `cannot listen on ${flags.host}:${flags.port} (${code})`);
    }
    throw error;
  }
  const store = server.runtime.store;
  const works = flags.worker ?? store.dialect === 'sqlite';
  io.out.write(
    `Gangway service listening on ${server.url} (${describeDatabase(store, options.url)}; ${works ? 'runs executed here' : 'no worker: run gangway worker'})\n`,
  );
  const signal = await stopSignal();
  logger.info({ signal }, 'stopping');
  // Open event streams (a client following a queued run) would hold app.close() forever: after a grace
  // period their connections are closed, which ends those streams.
  const grace = setTimeout(() => server.app.server.closeAllConnections(), STREAM_GRACE_MS);
  grace.unref();
  await whileStopping(() => server.close()).finally(() => clearTimeout(grace));
  logger.flush();
  return EXIT.ok;
}

/** --allow-private-targets (true or CIDRs), else GANGWAY_ALLOW_PRIVATE_TARGETS; CIDRs checked now. */
export function allowPrivate(
  flag: boolean | string | undefined,
  env: NodeJS.ProcessEnv,
): boolean | string[] | undefined {
  const raw = flag ?? env.GANGWAY_ALLOW_PRIVATE_TARGETS;
  if (raw === undefined || raw === false || raw === '' || raw === 'false') return undefined;
  if (raw === true || raw === 'true') return true;
  const cidrs = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  createAddressGuard({ allowPrivate: cidrs }); // throws InputError ssrf.bad-cidr naming a bad one
  return cidrs;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new InputError('cli.bad-port', `"${value}" is not a port (0-65535)`);
  }
  return n;
}

/** Resolves with the first SIGINT or SIGTERM. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Runs a shutdown; a Ctrl-C meanwhile exits at once (a run still finishing may hold it up to its bound). */
export async function whileStopping(close: () => Promise<void>): Promise<void> {
  const force = () => process.exit(EXIT.aborted);
  process.once('SIGINT', force);
  try {
    await close();
  } finally {
    process.off('SIGINT', force);
  }
}
