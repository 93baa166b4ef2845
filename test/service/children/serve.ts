// Child process: `gangway serve` as a library call. Options come as one JSON argument; the URL is printed as
// one JSON line on stdout once the server listens. SIGTERM closes cleanly; SIGKILL is what the tests use.
import { startServer } from '../../../src/service/runtime.js';
import { type ChildOptions, parseChildOptions } from './options.js';

const options: ChildOptions = parseChildOptions(process.argv[2]);
const server = await startServer({ ...options, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
