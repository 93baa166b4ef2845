// Entry of a load worker thread: runs its share of the plan with the raw HTTP step and reports to the
// coordinator (src/load/workers.ts) every 100 ms and once at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.js';
import { httpStep } from './http-step.js';
import type { WorkerInput, WorkerMessage } from './workers.js';

const input = workerData as WorkerInput;
const port = parentPort!;
const closed = input.plan.model.type === 'closed' ? input.plan.model.vus : undefined;
const step = httpStep({ ...input.step, connections: input.step.connections ?? closed });
const engine = new Engine({
  plan: input.plan,
  step,
  onTick: (r) => {
    const live: WorkerMessage = {
      type: 'tick',
      latency: r.latency.toJSON(),
      requests: r.requests,
      failed: r.failed,
    };
    port.postMessage(live);
  },
});
port.on('message', (m: { type: 'stop'; reason: 'aborted' | 'cancelled' }) => {
  if (m.type === 'stop') engine.stop(m.reason);
});
const run = await engine.run();
await step.close();
const done: WorkerMessage = {
  type: 'done',
  recorder: run.recorder.toJSON(),
  elapsedMs: run.elapsedMs,
  reason: run.reason,
};
port.postMessage(done);
port.close();
