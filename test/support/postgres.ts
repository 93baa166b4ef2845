// Starts a real, throw-away PostgreSQL server for tests: initdb into a temp dir, listen on a free port of
// 127.0.0.1 (and a unix socket inside the temp dir), one database per caller, fast stop and removal after.
// Missing binaries are an error, never a skip: CI installs postgresql, and a silently skipped PostgreSQL half
// of a suite would hide every dialect bug.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

/** A running throw-away PostgreSQL server. */
export interface PgServer {
  host: string;
  port: number;
  /** Directory holding the unix socket. */
  socketDir: string;
  /** Directory holding the server binaries (pg_dump etc.). */
  binDir: string;
  /** A postgres:// URL for one database of this server (default: the `postgres` database). */
  url(database?: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (pg_ctl -m fast) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const NEEDED = ['postgres', 'initdb', 'pg_ctl'];

function hasAll(dir: string): boolean {
  return NEEDED.every((bin) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Finds a directory holding postgres, initdb and pg_ctl; throws a clear error when there is none. */
export function findPostgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.GANGWAY_PG_BIN) candidates.push(process.env.GANGWAY_PG_BIN);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      // `which postgres` is often a symlink into /usr/lib/postgresql/<v>/bin, where initdb and pg_ctl live.
      candidates.push(dirname(realpathSync(join(dir, 'postgres'))));
    } catch {
      // not in this PATH entry
    }
  }
  candidates.push('/usr/local/bin', '/usr/local/pgsql/bin');
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no Debian-style install
  }
  const found = candidates.find(hasAll);
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries (postgres, initdb, pg_ctl) were not found in PATH, /usr/local/bin or ' +
        '/usr/lib/postgresql/*/bin. Install them (e.g. `apt-get install postgresql`) or set GANGWAY_PG_BIN; ' +
        'the store tests run against a real PostgreSQL and are never skipped.',
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const parts = line?.split(':');
  if (!parts || parts.length < 4) {
    throw new Error('running as root but there is no `postgres` user to run initdb and the server as');
  }
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

/** Runs a server binary, as the postgres user when we are root (initdb and postgres refuse to run as root). */
function run(
  binDir: string,
  bin: string,
  args: string[],
  asPostgres: boolean,
  timeoutMs = 60_000,
): Promise<string> {
  const file = asPostgres ? 'runuser' : join(binDir, bin);
  const argv = asPostgres ? ['-u', 'postgres', '--', join(binDir, bin), ...args] : args;
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const live = new Set<() => void>();
// If the test process exits without `after` running (crash, process.exit), still stop the servers.
process.once('exit', () => {
  for (const stopSync of live) stopSync();
});

/** Starts a PostgreSQL server in a fresh temp dir on a free 127.0.0.1 port. Call `stop()` in `after`. */
export async function startPostgres(): Promise<PgServer> {
  const binDir = findPostgresBinDir();
  const owner = postgresUser();
  const asPostgres = owner !== undefined;
  const root = mkdtempSync(join(tmpdir(), 'gw-pg-'));
  if (owner) chownSync(root, owner.uid, owner.gid);
  const dataDir = join(root, 'data');
  const socketDir = root;
  let stopped = false;

  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    const file = asPostgres ? 'runuser' : join(binDir, 'pg_ctl');
    const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    spawnSync(file, asPostgres ? ['-u', 'postgres', '--', join(binDir, 'pg_ctl'), ...args] : args, {
      stdio: 'ignore',
      timeout: 20_000,
    });
    rmSync(root, { recursive: true, force: true });
  };
  live.add(stopSync);

  try {
    await run(
      binDir,
      'initdb',
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-locale', '-E', 'UTF8'],
      asPostgres,
    );
    let port = 0;
    let lastError: unknown;
    // A free port can be taken between probing and listening: try a few.
    for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
      const candidate = await freePort();
      const opts = [
        `-p ${candidate}`,
        '-c listen_addresses=127.0.0.1',
        `-k ${socketDir}`,
        // Durability is pointless for a throw-away test server; this keeps the suite fast on a shared machine.
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=100',
      ].join(' ');
      try {
        await run(
          binDir,
          'pg_ctl',
          ['-D', dataDir, '-o', opts, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start'],
          asPostgres,
        );
        port = candidate;
      } catch (err) {
        lastError = err;
      }
    }
    if (port === 0) throw lastError;

    const host = '127.0.0.1';
    const url = (database = 'postgres'): string =>
      `postgres://postgres@${host}:${port}/${encodeURIComponent(database)}`;
    return {
      host,
      port,
      socketDir,
      binDir,
      url,
      async createDatabase(name = `t_${randomBytes(6).toString('hex')}`) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
        const client = new pg.Client({ connectionString: url() });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return url(name);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        live.delete(stopSync);
        try {
          await run(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'], asPostgres);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    const log = (() => {
      try {
        return readFileSync(join(root, 'server.log'), 'utf8').slice(-2000);
      } catch {
        return '';
      }
    })();
    stopSync();
    live.delete(stopSync);
    throw new Error(
      `could not start PostgreSQL: ${err instanceof Error ? err.message : String(err)}\n${log}`,
      {
        cause: err,
      },
    );
  }
}
