import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { isPostgresUrl, openStore, ROLES, type Role, type Store } from '../../store/index.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';

/** Where the service's data is: --data-dir (SQLite), or DATABASE_URL=postgres://… (PostgreSQL). */
export interface DataFlags {
  dataDir?: string;
}

export const DATA_DIR_HELP = 'directory of the SQLite database (ignored when DATABASE_URL is postgres://…)';

/** The store options of a CLI command: DATABASE_URL from the environment, the data dir against cwd. */
export function storeOptions(
  io: Io,
  flags: DataFlags,
): { url?: string; dataDir: string; env: NodeJS.ProcessEnv } {
  const url = io.env.DATABASE_URL;
  return { ...(url && { url }), dataDir: resolve(io.cwd, flags.dataDir ?? '.gangway'), env: io.env };
}

/** Opens the store; `existing` refuses a data dir without a database (a typo would read an empty one). */
export async function openCliStore(io: Io, flags: DataFlags, existing = false): Promise<Store> {
  const options = storeOptions(io, flags);
  if (existing && !isPostgresUrl(options.url) && !existsSync(join(options.dataDir, 'gangway.db'))) {
    throw new InputError(
      'cli.no-data',
      `no Gangway database in ${options.dataDir} (give --data-dir, or DATABASE_URL=postgres://…)`,
    );
  }
  return openStore(options);
}

/** "sqlite <file>" or "postgresql <host>/<db>": never the URL's password. */
export function describeDatabase(store: Pick<Store, 'dialect' | 'file'>, url: string | undefined): string {
  if (store.dialect === 'sqlite') return `sqlite ${store.file ?? ''}`.trim();
  try {
    const u = new URL(url ?? '');
    return `postgresql ${u.host}${u.pathname}`;
  } catch {
    return 'postgresql';
  }
}

/** Who the CLI is in the audit trail: `cli:<os user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

interface CreateFlags extends DataFlags {
  role: string;
  partner?: string;
  name?: string;
}

interface ListFlags extends DataFlags {
  all?: boolean;
  json?: boolean;
}

/** `gangway token create|list|revoke`: API tokens, straight in the store (no server needed). */
export function registerToken(program: Command, io: Io, done: (code: number) => void): void {
  const token = program
    .command('token')
    .description('create, list and revoke API tokens (in the data dir or DATABASE_URL; no server needed)')
    .addHelpText('after', '\nExit codes: 0 done, 2 invalid input (unknown role or token), 3 internal error.');
  token
    .command('create')
    .description('create a token and print it once on stdout (TOKEN=$(gangway token create …))')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--partner <id>', 'the partner a partner token is limited to')
    .option('--name <name>', 'a label for the token (default: the role and partner)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (flags: CreateFlags) => done(await create(io, flags)));
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (flags: ListFlags) => done(await list(io, flags)));
  token
    .command('revoke')
    .description('revoke a token by its id (tok_…)')
    .argument('<id>', 'token id, as `token list` shows it')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (id: string, flags: DataFlags) => done(await revoke(io, id, flags)));
  for (const command of token.commands) command.exitOverride();
}

async function create(io: Io, flags: CreateFlags): Promise<number> {
  if (!(ROLES as readonly string[]).includes(flags.role)) {
    throw new InputError('cli.bad-role', `--role must be one of ${ROLES.join(', ')}, not "${flags.role}"`);
  }
  const role = flags.role as Role;
  const store = await openCliStore(io, flags);
  try {
    if (flags.partner && !(await store.partners.get(flags.partner))) {
      throw new InputError('cli.unknown-partner', `partner ${flags.partner} does not exist`);
    }
    const name = flags.name ?? (flags.partner ? `${role}-${flags.partner}` : role);
    const { token, record } = await store.tokens.create({
      role,
      name,
      ...(flags.partner && { partnerId: flags.partner }),
      actor: cliActor(),
    });
    io.out.write(`${token}\n`);
    io.err.write(
      `created ${record.role} token ${record.id} "${record.name}"${record.partnerId ? ` for partner ${record.partnerId}` : ''}` +
        ' (shown once: only its hash is stored)\n',
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function list(io: Io, flags: ListFlags): Promise<number> {
  const store = await openCliStore(io, flags, true);
  try {
    const tokens = await store.tokens.list({ includeRevoked: Boolean(flags.all) });
    if (flags.json) {
      io.out.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return EXIT.ok;
    }
    if (tokens.length === 0) io.err.write('no tokens\n');
    for (const t of tokens) {
      const state = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
      io.out.write(
        `${t.id}  ${t.role.padEnd(8)}  ${(t.partnerId ?? '-').padEnd(12)}  ${t.name}  (created ${t.createdAt} by ${t.createdBy}; ${state})\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function revoke(io: Io, id: string, flags: DataFlags): Promise<number> {
  const store = await openCliStore(io, flags, true);
  try {
    if (!(await store.tokens.revoke(id, { actor: cliActor() }))) {
      const known = await store.tokens.get(id);
      throw new InputError(
        'cli.unknown-token',
        known ? `token ${id} is already revoked` : `no token ${id} (see gangway token list)`,
      );
    }
    io.out.write(`revoked ${id}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
