// Helpers of the job queue contract suite: waiting on conditions, recording events, child workers.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { JobEventMap, JobQueue } from '../../src/jobs/types.js';
import type { TargetConfig } from './targets.js';

/** A job name no other test uses, so tests sharing one database never take each other's jobs. */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Polls `condition` every 10 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every event a queue emitted, in order. */
export interface Recorded {
  started: JobEventMap['job:started'][];
  completed: JobEventMap['job:completed'][];
  failed: JobEventMap['job:failed'][];
  released: JobEventMap['job:released'][];
  errors: unknown[];
}

/** Subscribes to all of a queue's events. */
export function record(queue: JobQueue): Recorded {
  const recorded: Recorded = { started: [], completed: [], failed: [], released: [], errors: [] };
  queue.on('job:started', (e) => recorded.started.push(e));
  queue.on('job:completed', (e) => recorded.completed.push(e));
  queue.on('job:failed', (e) => recorded.failed.push(e));
  queue.on('job:released', (e) => recorded.released.push(e));
  queue.on('queue:error', (e) => recorded.errors.push(e.error));
  return recorded;
}

/** A child worker process and the lines it printed. */
export interface ChildWorker {
  process: ChildProcess;
  lines: string[];
  stderr: string[];
}

const CHILD = fileURLToPath(new URL('./child-worker.ts', import.meta.url));

/** Starts test/jobs/child-worker.ts on the target's storage, taking `jobName` jobs. */
export function spawnChildWorker(config: TargetConfig, jobName: string, workerId: string): ChildWorker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify(config), jobName, workerId],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const worker: ChildWorker = { process: child, lines: [], stderr: [] };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => worker.lines.push(line));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => worker.stderr.push(line));
  return worker;
}

/** SIGKILLs the child (by its PID) and waits for it to be gone. */
export async function killChild(worker: ChildWorker): Promise<void> {
  const child = worker.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
