// Helpers of the real-spec benchmark: the peer tools installed into bench/.cache/tools (npm registry
// only), child processes started in their own group and ended by PID, free ports, readiness polls.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { scratchDir } from './_scratch.js';
import { CACHE_DIR } from './openapi-github-spec.js';

export const TOOLS_DIR = join(CACHE_DIR, 'tools');
/**
 * Last majors that run on Node 20: Prism 5.15+ declares node >= 24.14; Dredd 14 declares node >= 10
 * (it is unmaintained since 2021 but still installs and runs).
 */
export const TOOL_PACKAGES = ['@stoplight/prism-cli@5.14.2', 'dredd@14.1.0'] as const;

/** Path of an installed tool's executable. */
export function toolBin(name: 'prism' | 'dredd'): string {
  return join(TOOLS_DIR, 'node_modules', '.bin', name);
}

/** Installs Prism and Dredd into bench/.cache/tools unless both are there; returns a note per problem. */
export function ensureTools(): string[] {
  if (existsSync(toolBin('prism')) && existsSync(toolBin('dredd'))) return [];
  return npmInstallInto(TOOLS_DIR, TOOL_PACKAGES);
}

/** `npm install --prefix dir packages` (never a project dependency); returns a note when it fails. */
export function npmInstallInto(dir: string, packages: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', ...packages], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
    return [];
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    return [`npm install ${packages.join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`];
  }
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Started {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<number | null>;
}

const started = new Set<ChildProcess>();

/**
 * Starts a command in its own process group. Output goes to a file, not a pipe: Dredd calls
 * process.exit() and would lose the end of what it wrote into a pipe (its summary).
 */
export function start(command: string, args: readonly string[], cwd: string): Started {
  const log = join(scratchDir(), 'output.log');
  const fd = openSync(log, 'w');
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  started.add(child);
  const exited = new Promise<number | null>((done) => {
    child.on('exit', (code) => {
      started.delete(child);
      done(code);
    });
    child.on('error', () => done(null));
  });
  return { child, output: () => readFileSync(log, 'utf8'), exited };
}

/** Ends a started process and its group by PID; waits for it to exit (SIGKILL after 3 s). */
export async function stop(process_: Started): Promise<void> {
  const pid = process_.child.pid;
  if (pid === undefined || process_.child.exitCode !== null || process_.child.signalCode !== null) return;
  signal(pid, 'SIGTERM');
  const timer = setTimeout(() => signal(pid, 'SIGKILL'), 3_000);
  await process_.exited;
  clearTimeout(timer);
  // Children left in the group (none expected) go too.
  signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    // already gone
  }
}

/** Ends every process this script started that is still running (on exit or an error). */
export async function stopAll(): Promise<void> {
  for (const child of [...started]) {
    if (child.pid !== undefined) signal(child.pid, 'SIGKILL');
  }
  started.clear();
}

/** Runs a started process to its end or kills it after `ms`; returns its code and whether it timed out. */
export async function finish(
  process_: Started,
  ms: number,
): Promise<{ code: number | null; timedOut: boolean }> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stop(process_);
  }, ms);
  const code = await process_.exited;
  clearTimeout(timer);
  return { code, timedOut };
}

/** Polls a URL until any HTTP answer comes back, the process exits or `ms` pass. */
export async function waitForHttp(url: string, process_: Started, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (process_.child.exitCode !== null) return false;
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  return false;
}
