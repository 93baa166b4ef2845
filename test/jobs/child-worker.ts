// A worker process for the crash tests: opens the queue described by argv[2] (JSON TargetConfig),
// takes jobs named argv[3] as worker argv[4], prints "started <id> <attempt>" when one starts and then
// never finishes it, so the parent can SIGKILL this process in the middle of the job.
import { openQueue, type TargetConfig } from './targets.js';

const [configJson, jobName, workerId] = process.argv.slice(2);
if (!configJson || !jobName || !workerId) {
  process.stderr.write('usage: child-worker <config-json> <job-name> <worker-id>\n');
  process.exit(2);
}
const queue = openQueue(JSON.parse(configJson) as TargetConfig);
await queue.start(
  {
    [jobName]: async (job) => {
      process.stdout.write(`started ${job.id} ${job.attempt}\n`);
      await new Promise(() => {
        // never resolves: the job is "long"; the parent kills us
      });
    },
  },
  { concurrency: 1, workerId },
);
process.stdout.write('ready\n');
// Keep the process alive: the queue's timers are unref'd, as in a server where HTTP keeps it alive.
setInterval(() => {}, 60_000);
