// Child process: `gangway worker` as a library call (openRuntime + startWorking). Prints "ready <workerId>"
// on stdout once it takes jobs. SIGTERM stops cleanly; SIGKILL is what the tests use.
import { openRuntime, startWorking } from '../../../src/service/runtime.js';
import { type ChildOptions, parseChildOptions } from './options.js';

const options: ChildOptions = parseChildOptions(process.argv[2]);
const runtime = await openRuntime(options);
const workerId = await startWorking(runtime, options);
process.stdout.write(`ready ${workerId}\n`);

process.once('SIGTERM', () => {
  void runtime.close().finally(() => process.exit(0));
});
