import { Command, CommanderError } from 'commander';
import { registerApi } from './commands/api.js';
import { registerAudit } from './commands/audit.js';
import { registerChanges } from './commands/changes.js';
import { registerContract } from './commands/contract.js';
import { registerDemo } from './commands/demo.js';
import { registerDiff } from './commands/diff.js';
import { registerDrill } from './commands/drill.js';
import { registerIncident } from './commands/incident.js';
import { registerLint } from './commands/lint.js';
import { registerLoad } from './commands/load.js';
import { registerMonitoring } from './commands/monitoring.js';
import { registerProxy } from './commands/proxy.js';
import { registerPush } from './commands/push.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerWorker } from './commands/worker.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { defaultIo, type Io, printError } from './output.js';
import { VERSION } from './version.js';

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
  registerRun(program, io, done);
  registerContract(program, io, done);
  registerLint(program, io, done);
  registerDiff(program, io, done);
  registerDemo(program, io, done);
  registerLoad(program, io, done);
  registerProxy(program, io, done);
  registerServe(program, io, done);
  registerApi(program, io, done);
  registerWorker(program, io, done);
  registerToken(program, io, done);
  registerPush(program, io, done);
  registerAudit(program, io, done);
  registerIncident(program, io, done);
  registerChanges(program, io, done);
  registerMonitoring(program, io, done);
  registerDrill(program, io, done);
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
