// Starts serve.ts / worker.ts as real child processes and waits for the line saying they are up.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildOptions } from './options.js';

/** A child service process; `output` keeps its stdout and stderr for failure messages. */
export interface Child {
  process: ChildProcess;
  pid: number;
  /** The line that said it is up ({"url":…} or "ready <workerId>"). */
  line: string;
  output(): string;
  /** SIGKILL, then wait for the exit (no clean-up runs in the child: a crash). */
  kill(): Promise<void>;
  /** SIGTERM and wait (bounded; SIGKILL after 15 s). */
  stop(): Promise<void>;
}

const SCRIPTS = {
  serve: fileURLToPath(new URL('./serve.ts', import.meta.url)),
  worker: fileURLToPath(new URL('./worker.ts', import.meta.url)),
};

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_ENTRY =
  "import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";

/** Spawns serve.ts or worker.ts with `secretKey` as GANGWAY_SECRET_KEY; resolves once it says it is up. */
export function startChild(
  kind: keyof typeof SCRIPTS,
  options: ChildOptions,
  secretKey: string,
  timeoutMs = 60_000,
): Promise<Child> {
  const pattern = kind === 'serve' ? /^\{"url":.*\}$/m : /^ready .+$/m;
  return launch(kind, [SCRIPTS[kind], JSON.stringify(options)], {}, secretKey, pattern, timeoutMs);
}

/**
 * `gangway serve --no-worker` itself on PostgreSQL (API only: the windows a crash test shrinks are the
 * workers'). `line` is the URL it listens on.
 */
export async function startCliServe(
  databaseUrl: string,
  secretKey: string,
  timeoutMs = 60_000,
): Promise<Child> {
  const child = await launch(
    'gangway serve',
    ['--input-type=module', '-e', CLI_ENTRY, '--', 'serve', '--no-worker', '--port', '0'],
    { DATABASE_URL: databaseUrl, GANGWAY_LOG_LEVEL: 'warn' },
    secretKey,
    /^Gangway service listening on (http:\/\/\S+)/m,
    timeoutMs,
  );
  return { ...child, line: /(http:\/\/\S+)/.exec(child.line)?.[1] ?? child.line };
}

function launch(
  kind: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  secretKey: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, GANGWAY_SECRET_KEY: secretKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const waitExit = async (signal: NodeJS.Signals, boundMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const match = pattern.exec(out);
      if (!match || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({
        process: child,
        pid: child.pid,
        line: match[0],
        output: () => out,
        kill: () => waitExit('SIGKILL', 5_000),
        stop: () => waitExit('SIGTERM', 15_000),
      });
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${code ?? signal}) before it was up:\n${out}`));
    });
  });
}

/** The URL a serve child printed. */
export function childUrl(child: Child): string {
  return child.line.startsWith('{') ? (JSON.parse(child.line) as { url: string }).url : child.line;
}
