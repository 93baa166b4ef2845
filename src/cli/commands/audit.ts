import type { Command } from 'commander';
import type { AuditVerification } from '../../store/index.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { type ServerFlags, serverClient } from './server-client.js';
import { DATA_DIR_HELP, type DataFlags, openCliStore } from './token.js';

interface VerifyFlags extends DataFlags, ServerFlags {}

/** `gangway audit verify`: proves the audit hash chain intact or names its first broken event. */
export function registerAudit(program: Command, io: Io, done: (code: number) => void): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('verify the audit hash chain, in the data dir / DATABASE_URL or through --server')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--server <url>', 'ask a running service instead (env GANGWAY_SERVER; needs an operator token)')
    .option('--token <token>', 'API token for --server (env GANGWAY_TOKEN)')
    .addHelpText(
      'after',
      '\nExit codes: 0 chain intact, 1 chain broken, 2 invalid input (no database, token refused), 3 internal error or server unreachable.',
    )
    .action(async (flags: VerifyFlags) => done(await verify(io, flags)));
  for (const command of audit.commands) command.exitOverride();
}

async function verify(io: Io, flags: VerifyFlags): Promise<number> {
  const result = useServer(io, flags)
    ? await serverClient(flags, io.env).get<AuditVerification>('/audit/verification')
    : await verifyLocally(io, flags);
  if (result.ok) {
    io.out.write(`audit chain intact: ${result.events} events, head ${result.headHash}\n`);
    return EXIT.ok;
  }
  io.out.write(`audit chain broken at event ${result.firstBroken}: ${result.reason}\n`);
  return EXIT.blocked;
}

/** --server, or GANGWAY_SERVER when no local database is named (--data-dir or DATABASE_URL). */
function useServer(io: Io, flags: VerifyFlags): boolean {
  if (flags.server) return true;
  return Boolean(io.env.GANGWAY_SERVER) && !flags.dataDir && !io.env.DATABASE_URL;
}

async function verifyLocally(io: Io, flags: VerifyFlags): Promise<AuditVerification> {
  const store = await openCliStore(io, flags, true);
  try {
    return await store.audit.verify();
  } finally {
    await store.close();
  }
}
