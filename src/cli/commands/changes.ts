import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { serverOptions } from './incident.js';
import { shortTime, table } from './incident-format.js';
import { parseInteger } from './options.js';
import type { ServerFlags } from './server-client.js';
import { serverClient } from './server-client.js';

const KINDS = ['deploy', 'config', 'playbook', 'other'] as const;

/** A change marker as the API answers it. */
interface Change {
  id: string;
  at: string;
  kind: string;
  title: string;
  partnerId: string | null;
  environment: string | null;
  ref: string | null;
  actor: string;
}

interface AddFlags extends ServerFlags {
  kind: string;
  title: string;
  ref?: string;
  partner?: string;
  env?: string;
  description?: string;
}
interface ListFlags extends ServerFlags {
  partner?: string;
  env?: string;
  limit?: number;
  json?: boolean;
}

/** `gangway changes add|list`: change markers (deploys, config changes) incidents are correlated with. */
export function registerChanges(program: Command, io: Io, done: (code: number) => void): void {
  const changes = program
    .command('changes')
    .description('record and list change markers (deploys, config changes) that incident reports link to');
  serverOptions(
    changes
      .command('add')
      .description('record a change, e.g. from a deploy pipeline')
      .requiredOption('--kind <kind>', KINDS.join(', '))
      .requiredOption('--title <text>', 'what changed')
      .option('--ref <ref>', 'a commit, a version, a ticket')
      .option('--partner <id>', 'the partner it concerns (absent: platform-wide)')
      .option('--env <environment>', 'the environment it concerns')
      .option('--description <text>', 'more detail'),
  ).action(async (flags: AddFlags) => done(await add(io, flags)));
  serverOptions(
    changes
      .command('list')
      .description('change markers, newest first')
      .option('--partner <id>', 'only this partner')
      .option('--env <environment>', 'only this environment')
      .option('--limit <n>', 'at most this many (1–200, default 50)', parseInteger)
      .option('--json', 'print the API answer as JSON'),
  ).action(async (flags: ListFlags) => done(await list(io, flags)));
  for (const sub of changes.commands) sub.exitOverride();
}

async function add(io: Io, flags: AddFlags): Promise<number> {
  if (!(KINDS as readonly string[]).includes(flags.kind))
    throw new InputError('cli.bad-kind', `--kind must be one of ${KINDS.join(', ')}, not ${flags.kind}`);
  const title = flags.title.trim();
  if (!title) throw new InputError('cli.empty', '--title is empty');
  const change = await serverClient(flags, io.env).post<Change>('/changes', {
    kind: flags.kind,
    title,
    ...(flags.ref && { ref: flags.ref }),
    ...(flags.partner && { partnerId: flags.partner }),
    ...(flags.env && { environment: flags.env }),
    ...(flags.description && { description: flags.description }),
  });
  io.out.write(`recorded ${change.kind} change ${change.id} at ${shortTime(change.at)}: ${change.title}\n`);
  return EXIT.ok;
}

async function list(io: Io, flags: ListFlags): Promise<number> {
  if (flags.limit !== undefined && flags.limit > 200)
    throw new InputError('cli.bad-number', '--limit is at most 200');
  const query = new URLSearchParams();
  if (flags.partner) query.set('partnerId', flags.partner);
  if (flags.env) query.set('environment', flags.env);
  if (flags.limit) query.set('limit', String(flags.limit));
  const page = await serverClient(flags, io.env).get<{ items: Change[]; nextCursor?: string }>(
    `/changes${query.size > 0 ? `?${query}` : ''}`,
  );
  if (flags.json) {
    io.out.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.ok;
  }
  if (page.items.length === 0) io.out.write('no changes\n');
  else {
    const rows = page.items.map((c) => [
      c.id,
      shortTime(c.at),
      c.kind,
      c.partnerId ?? '*',
      c.environment ?? '*',
      c.ref ?? '-',
      c.title,
    ]);
    io.out.write(`${table(['ID', 'AT', 'KIND', 'PARTNER', 'ENV', 'REF', 'TITLE'], rows)}\n`);
  }
  if (page.nextCursor) io.err.write('(more changes: narrow with --partner/--env or raise --limit)\n');
  return EXIT.ok;
}
