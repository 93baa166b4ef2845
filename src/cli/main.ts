import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { defaultIo, type Io, printError } from './output.js';
import { VERSION } from './version.js';

type Register = (program: Command, io: Io, done: (code: number) => void) => void;

/**
 * Every command, in the order help lists them, each module imported only when needed: a command's
 * module pulls in what it runs (the service, the store, the OWASP ruleset), which costs hundreds of
 * milliseconds of start-up that `gangway contract` or `gangway --version` should not pay.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['run', async () => (await import('./commands/run.js')).registerRun],
  ['contract', async () => (await import('./commands/contract.js')).registerContract],
  ['lint', async () => (await import('./commands/lint.js')).registerLint],
  ['diff', async () => (await import('./commands/diff.js')).registerDiff],
  ['demo', async () => (await import('./commands/demo.js')).registerDemo],
  ['load', async () => (await import('./commands/load.js')).registerLoad],
  ['proxy', async () => (await import('./commands/proxy.js')).registerProxy],
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['api', async () => (await import('./commands/api.js')).registerApi],
  ['worker', async () => (await import('./commands/worker.js')).registerWorker],
  ['token', async () => (await import('./commands/token.js')).registerToken],
  ['push', async () => (await import('./commands/push.js')).registerPush],
  ['audit', async () => (await import('./commands/audit.js')).registerAudit],
  ['incident', async () => (await import('./commands/incident.js')).registerIncident],
  ['changes', async () => (await import('./commands/changes.js')).registerChanges],
  ['monitoring', async () => (await import('./commands/monitoring.js')).registerMonitoring],
  ['drill', async () => (await import('./commands/drill.js')).registerDrill],
];

/** The commands to register: only the one named first on the command line, none for the version, else all (help, typos). */
async function registrations(argv: readonly string[]): Promise<Register[]> {
  if (argv[0] === '-V' || argv[0] === '--version') return [];
  const named = COMMANDS.find(([name]) => name === argv[0]);
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}

/** The composition root of the CLI: parses argv, runs one command, returns its exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command()
    .name('gangway')
    .description('Executable API partner integration playbooks: gated stages with evidence.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 gate open (or no findings), 1 gate blocked, 2 invalid input, 3 internal error.',
    );
  for (const register of await registrations(argv)) register(program, io, done);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      ) {
        return EXIT.ok;
      }
      return EXIT.invalidInput;
    }
    printError(io, error);
    return exitCodeFor(error);
  }
}
