// Runs `gangway proxy` from the sources in a child process (the CLI e2e test sends it SIGINT by PID).
import { Command } from 'commander';
import { registerProxy } from '../../src/cli/commands/proxy.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { defaultIo, printError } from '../../src/cli/output.js';

const io = defaultIo();
const program = new Command().exitOverride();
let code = 0;
registerProxy(program, io, (c) => {
  code = c;
});
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  printError(io, error);
  code = exitCodeFor(error);
}
process.exitCode = code;
