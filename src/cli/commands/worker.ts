import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../../core/errors.js';
import { openRuntime, startWorking } from '../../service/runtime.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { parseInteger } from './options.js';
import { ALLOW_PRIVATE_HELP, allowPrivate, stopSignal, whileStopping } from './serve.js';
import { type TuningFlags, tuning, tuningOptions } from './service-tuning.js';
import { DATA_DIR_HELP, type DataFlags, describeDatabase, storeOptions } from './token.js';

interface WorkerFlags extends DataFlags, TuningFlags {
  concurrency?: number;
  workerId?: string;
  allowPrivateTargets?: boolean | string;
}

/** `gangway worker`: executes queued stage runs, no HTTP, until SIGINT/SIGTERM. */
export function registerWorker(program: Command, io: Io, done: (code: number) => void): void {
  const command = program
    .command('worker')
    .description(
      'execute queued stage runs (DATABASE_URL=postgres://… for many workers; SQLite: the same --data-dir as serve)',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--concurrency <n>', 'runs executed at once (default 2)', parseInteger)
    .option('--worker-id <id>', 'name in runs and logs (default: host-pid-random)')
    .option('--allow-private-targets [cidrs]', ALLOW_PRIVATE_HELP)
    .addHelpText(
      'after',
      '\nExit codes: 0 stopped by SIGINT/SIGTERM (running runs finish or are interrupted, then retried), 2 invalid input, 3 internal error.',
    );
  tuningOptions(command).action(async (flags: WorkerFlags) => done(await work(io, flags)));
}

async function work(io: Io, flags: WorkerFlags): Promise<number> {
  if (flags.workerId !== undefined && !/^[\w.:@-]{1,100}$/.test(flags.workerId)) {
    throw new InputError('cli.bad-worker-id', '--worker-id: letters, digits and . : @ _ - only (1-100)');
  }
  const allowPrivateTargets = allowPrivate(flags.allowPrivateTargets, io.env);
  const options = storeOptions(io, flags);
  const tuned = tuning(flags);
  const logger = pino({ name: 'gangway-worker', level: io.env.GANGWAY_LOG_LEVEL ?? 'info' }, io.err);
  const runtimeOptions = {
    ...(options.url && { databaseUrl: options.url }),
    dataDir: options.dataDir,
    env: io.env,
    ...tuned,
    config: { ...tuned.config, version: VERSION },
    logger,
    ...(flags.concurrency && { concurrency: flags.concurrency }),
    ...(flags.workerId && { workerId: flags.workerId }),
    ...(allowPrivateTargets !== undefined && { allowPrivateTargets }),
  };
  const runtime = await openRuntime(runtimeOptions);
  let workerId: string;
  try {
    workerId = await startWorking(runtime, runtimeOptions);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  io.out.write(`worker ${workerId} ready (${describeDatabase(runtime.store, options.url)})\n`);
  // The queue's timers are unref'd (docs/jobs.md): without a handle of its own the process would exit here.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const signal = await stopSignal().finally(() => clearInterval(keepAlive));
  logger.info({ signal, workerId }, 'stopping');
  // runtime.close() stops the queue with a bound (runs still going past it are interrupted and retried).
  await whileStopping(() => runtime.close());
  logger.flush();
  return EXIT.ok;
}
