// One command run as a child process bounded in time, with its wall time and peak RSS. Peak RSS comes
// from GNU `/usr/bin/time -v` when present (exact, written even when the command is killed, because
// only the command is killed, not `time`); otherwise from polling VmHWM in /proc (approximate: growth
// in the last poll interval before exit is missed).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './_scratch.js';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 200;

export interface MeasuredRun {
  wallMs: number;
  /** Exit code of the command; null when it died of a signal. */
  exitCode: number | null;
  /** Signal that ended the command (our kill on timeout, or its own abort such as an OOM). */
  signal: string | null;
  timedOut: boolean;
  peakRssMb: number;
  /** How peak RSS was measured. */
  rssSource: 'time -v' | 'VmHWM polling';
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd: string;
  limitMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `command args` to its end or kills it (and every process it started) after `limitMs`. */
export async function measure(
  command: string,
  args: readonly string[],
  options: MeasureOptions,
): Promise<MeasuredRun> {
  const dir = scratchDir('diff-');
  const files = { out: join(dir, 'stdout'), err: join(dir, 'stderr'), time: join(dir, 'time') };
  const useTime = existsSync(GNU_TIME);
  const [cmd, argv] = useTime ? [GNU_TIME, ['-v', '-o', files.time, command, ...args]] : [command, [...args]];
  const out = openSync(files.out, 'w');
  const err = openSync(files.err, 'w');
  const begin = performance.now();
  // Own process group, so a timeout can end everything the command started.
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  const leader = child.pid;
  let polledKb = 0;
  const poll = setInterval(() => {
    if (leader !== undefined) polledKb = Math.max(polledKb, treeHighWaterKb(leader));
  }, POLL_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (leader !== undefined) killOnTimeout(leader, useTime);
  }, options.limitMs);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((done) => {
    child.on('exit', (code, sig) => done([code, sig]));
    child.on('error', () => done([null, 'spawn error']));
  });
  const wallMs = performance.now() - begin;
  clearTimeout(timer);
  clearInterval(poll);
  // Anything the command left behind in its group goes too.
  if (leader !== undefined) signalGroup(leader, 'SIGKILL');
  const run: MeasuredRun = {
    wallMs,
    exitCode,
    signal,
    timedOut,
    peakRssMb: polledKb / 1024,
    rssSource: 'VmHWM polling',
    stdout: readFileSync(files.out, 'utf8'),
    stderr: readFileSync(files.err, 'utf8'),
  };
  if (useTime && existsSync(files.time)) applyTimeReport(run, readFileSync(files.time, 'utf8'));
  return run;
}

/** Reads max RSS and the command's own exit status or signal from a `time -v` report. */
function applyTimeReport(run: MeasuredRun, report: string): void {
  const kb = report.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1];
  if (kb !== undefined) {
    run.peakRssMb = Number(kb) / 1024;
    run.rssSource = 'time -v';
  }
  // `time` exits with the command's status; a command killed by a signal shows up here instead.
  const sig = report.match(/Command terminated by signal (\d+)/)?.[1];
  if (sig !== undefined) {
    run.signal = `signal ${sig}`;
    run.exitCode = null;
  }
}

/**
 * With `time` as group leader, kill the command's processes (by PID) first so `time` still writes
 * its report, then the whole group after a grace period in case something is left.
 */
function killOnTimeout(leader: number, underTime: boolean): void {
  if (underTime) {
    for (const pid of descendants(leader)) signalPid(pid, 'SIGKILL');
    setTimeout(() => signalGroup(leader, 'SIGKILL'), 3_000).unref();
  } else {
    signalGroup(leader, 'SIGKILL');
  }
}

/** PIDs of every process below `pid` (from /proc/<pid>/task/<tid>/children). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift() as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue; // already gone
    }
    for (const tid of tasks) {
      let text = '';
      try {
        text = readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** Largest VmHWM (kB) among a process and its descendants right now. */
function treeHighWaterKb(pid: number): number {
  let max = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const kb = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)?.[1];
      max = Math.max(max, Number(kb ?? 0));
    } catch {
      // exited between listing and reading
    }
  }
  return max;
}

function signalPid(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function signalGroup(leader: number, name: NodeJS.Signals): void {
  signalPid(-leader, name);
}
