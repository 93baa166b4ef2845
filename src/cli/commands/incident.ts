import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { errorMessage, InputError } from '../../core/errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import {
  type IncidentDetail,
  type IncidentEvent,
  type IncidentSummary,
  incidentDetailText,
  incidentTable,
  shortTime,
  table,
} from './incident-format.js';
import { parseInteger } from './options.js';
import { type ServerFlags, serverClient } from './server-client.js';

/** The exit codes of every command that only talks to the service (as `gangway api`). */
export const OPS_EXIT_CODES =
  'Exit codes: 0 done, 2 invalid input or refused by the API (401/403, 404 not found, 409 transition not allowed; its error code is printed), 3 server unreachable or failing.';

const STATUSES = ['open', 'triggered', 'acknowledged', 'mitigated', 'resolved'] as const;

interface ListFlags extends ServerFlags {
  status?: string;
  severity?: string;
  limit?: number;
  json?: boolean;
}
interface JsonFlags extends ServerFlags {
  json?: boolean;
}
interface MessageFlags extends ServerFlags {
  message?: string;
}
interface AttemptFlags extends ServerFlags {
  what: string;
}
interface FollowupFlags extends ServerFlags {
  title: string;
  owner: string;
  due?: string;
}
interface ReportFlags extends ServerFlags {
  out?: string;
}
interface RejectFlags extends ServerFlags {
  reason?: string;
}
/** An action run as the API answers it. */
interface ActionRunView {
  id: string;
  actionId: string;
  at: string;
  status: string;
  detail: { reason?: string; result?: string; error?: string; approvedBy?: string } | null;
}

/** Adds --server/--token and the exit-code help shared by every subcommand. */
export function serverOptions(command: Command): Command {
  return command
    .option('--server <url>', 'the service (env GANGWAY_SERVER)')
    .option('--token <token>', 'API token (env GANGWAY_TOKEN)')
    .addHelpText('after', `\n${OPS_EXIT_CODES}`);
}

/** `gangway incident …`: list, inspect and drive incidents through the service's API. */
export function registerIncident(program: Command, io: Io, done: (code: number) => void): void {
  const incident = program
    .command('incident')
    .description(
      'list, show and drive incidents (acknowledge, mitigate, resolve, notes, follow-ups, actions, report)',
    );
  serverOptions(
    incident
      .command('list')
      .description('incidents, newest first')
      .option('--status <status>', `one of ${STATUSES.join(', ')} (open: every status but resolved)`)
      .option('--severity <severity>', 'only this severity, e.g. SEV1')
      .option('--limit <n>', 'at most this many (1–200, default 50)', parseInteger)
      .option('--json', 'print the API answer as JSON'),
  ).action(async (flags: ListFlags) => done(await list(io, flags)));
  serverOptions(
    incident
      .command('show')
      .description('one incident: clocks with deadlines, escalation position, runbook, timeline')
      .argument('<id>', 'incident id')
      .option('--json', 'print { incident, timeline } as JSON'),
  ).action(async (id: string, flags: JsonFlags) => done(await show(io, id, flags)));
  for (const [name, action, past] of [
    ['ack', 'acknowledge', 'acknowledged'],
    ['mitigate', 'mitigate', 'mitigated'],
    ['resolve', 'resolve', 'resolved'],
  ] as const) {
    serverOptions(
      incident
        .command(name)
        .description(`${action} an incident`)
        .argument('<id>', 'incident id')
        .option('-m, --message <text>', 'a message for the timeline'),
    ).action(async (id: string, flags: MessageFlags) => done(await transition(io, id, action, past, flags)));
  }
  serverOptions(
    incident
      .command('attempt')
      .description('record a resolution attempt (meets the first-resolution-attempt clock)')
      .argument('<id>', 'incident id')
      .requiredOption('--what <text>', 'what was tried'),
  ).action(async (id: string, flags: AttemptFlags) =>
    done(
      await command(io, id, 'attempts', { what: nonEmpty('--what', flags.what) }, 'attempt recorded', flags),
    ),
  );
  serverOptions(
    incident
      .command('note')
      .description('add a note to the timeline')
      .argument('<id>', 'incident id')
      .argument('<text...>', 'the note'),
  ).action(async (id: string, words: string[], flags: ServerFlags) =>
    done(
      await command(io, id, 'notes', { text: nonEmpty('the note', words.join(' ')) }, 'note added', flags),
    ),
  );
  serverOptions(
    incident
      .command('impact')
      .description('record the impact statement (in the post-incident report and on the timeline)')
      .argument('<id>', 'incident id')
      .argument('<text...>', 'who and what is affected, how badly'),
  ).action(async (id: string, words: string[], flags: ServerFlags) =>
    done(
      await command(
        io,
        id,
        'impact',
        { impact: nonEmpty('the impact', words.join(' ')) },
        'impact recorded',
        flags,
      ),
    ),
  );
  serverOptions(
    incident
      .command('severity')
      .description('change the severity (clocks are re-planned from the trigger)')
      .argument('<id>', 'incident id')
      .argument('<severity>', "one of the playbook's severities, e.g. SEV2"),
  ).action(async (id: string, severity: string, flags: ServerFlags) =>
    done(
      await command(
        io,
        id,
        'severity',
        { severity: nonEmpty('the severity', severity) },
        'severity changed',
        flags,
      ),
    ),
  );
  serverOptions(
    incident
      .command('followup')
      .description('add a follow-up with an owner and an optional due date')
      .argument('<id>', 'incident id')
      .requiredOption('--title <text>', 'what is to be done')
      .requiredOption('--owner <who>', 'who owns it')
      .option('--due <date>', 'due date, e.g. 2026-12-01 (UTC) or an ISO-8601 time'),
  ).action(async (id: string, flags: FollowupFlags) => done(await followup(io, id, flags)));
  serverOptions(
    incident
      .command('report')
      .description('the post-incident report (Markdown)')
      .argument('<id>', 'incident id')
      .option('-o, --out <file>', 'write it to a file instead of printing it'),
  ).action(async (id: string, flags: ReportFlags) => done(await report(io, id, flags)));
  registerActions(incident, io, done);
  for (const sub of incident.commands) sub.exitOverride();
}

/** `incident action|approve|reject|actions`: run a playbook action on an incident (a runbook step) and decide on it. */
function registerActions(incident: Command, io: Io, done: (code: number) => void): void {
  serverOptions(
    incident
      .command('action')
      .description(
        "run one of the playbook's actions on an incident (guards decide: run, wait for approval, or skip); exit 1 when skipped",
      )
      .argument('<id>', 'incident id')
      .argument('<action>', 'an action id of the playbook, e.g. throttle'),
  ).action(async (id: string, action: string, flags: ServerFlags) =>
    done(await runAction(io, id, '/actions', { action: nonEmpty('the action', action) }, flags)),
  );
  serverOptions(
    incident
      .command('approve')
      .description('approve an action run waiting for approval (exit 1 when a guard skips it now)')
      .argument('<id>', 'incident id')
      .argument('<runId>', 'the run id (gangway incident actions <id>)'),
  ).action(async (id: string, runId: string, flags: ServerFlags) =>
    done(await runAction(io, id, `/actions/${encodeURIComponent(runId)}/approve`, {}, flags)),
  );
  serverOptions(
    incident
      .command('reject')
      .description('reject an action run waiting for approval')
      .argument('<id>', 'incident id')
      .argument('<runId>', 'the run id')
      .option('--reason <text>', 'why, for the timeline'),
  ).action(async (id: string, runId: string, flags: RejectFlags) => {
    const reason = flags.reason?.trim();
    const body = reason ? { reason } : {};
    await runAction(io, id, `/actions/${encodeURIComponent(runId)}/reject`, body, flags);
    done(EXIT.ok);
  });
  serverOptions(
    incident
      .command('actions')
      .description('the action runs of an incident and their outcome')
      .argument('<id>', 'incident id')
      .option('--json', 'print the API answer as JSON'),
  ).action(async (id: string, flags: JsonFlags) => done(await listActions(io, id, flags)));
}

/** Posts to an action endpoint and prints the run: exit 1 when it was skipped (a guard, or rejected). */
async function runAction(
  io: Io,
  id: string,
  endpoint: string,
  body: unknown,
  flags: ServerFlags,
): Promise<number> {
  const run = await serverClient(flags, io.env).post<ActionRunView>(path(id, endpoint), body);
  const why = run.detail?.reason ? `: ${run.detail.reason}` : '';
  const status = run.status === 'suppressed' ? 'skipped' : run.status;
  io.out.write(`${run.actionId} on ${id}: run ${run.id} ${status}${why}\n`);
  return run.status === 'suppressed' ? EXIT.blocked : EXIT.ok;
}

async function listActions(io: Io, id: string, flags: JsonFlags): Promise<number> {
  const runs = await serverClient(flags, io.env).get<{ items: ActionRunView[] }>(path(id, '/actions'));
  if (flags.json) {
    io.out.write(`${JSON.stringify(runs, null, 2)}\n`);
    return EXIT.ok;
  }
  if (runs.items.length === 0) {
    io.out.write('no action runs\n');
    return EXIT.ok;
  }
  const rows = runs.items.map((r) => [
    r.id,
    r.actionId,
    r.status,
    shortTime(r.at),
    r.detail?.reason ?? r.detail?.error ?? r.detail?.result ?? '',
  ]);
  io.out.write(`${table(['RUN', 'ACTION', 'STATUS', 'REQUESTED', 'DETAIL'], rows)}\n`);
  return EXIT.ok;
}

/** The API path of an incident; ids are checked by the server (a malformed one is a 400). */
function path(id: string, rest = ''): string {
  return `/incidents/${encodeURIComponent(id)}${rest}`;
}

function nonEmpty(what: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InputError('cli.empty', `${what} is empty`);
  return trimmed;
}

async function list(io: Io, flags: ListFlags): Promise<number> {
  if (flags.status !== undefined && !(STATUSES as readonly string[]).includes(flags.status)) {
    throw new InputError(
      'cli.bad-status',
      `--status must be one of ${STATUSES.join(', ')}, not ${flags.status}`,
    );
  }
  if (flags.limit !== undefined && flags.limit > 200)
    throw new InputError('cli.bad-number', '--limit is at most 200');
  const query = new URLSearchParams();
  if (flags.status) query.set('status', flags.status);
  if (flags.severity) query.set('severity', flags.severity);
  if (flags.limit) query.set('limit', String(flags.limit));
  const suffix = query.size > 0 ? `?${query}` : '';
  const page = await serverClient(flags, io.env).get<{ items: IncidentSummary[]; nextCursor?: string }>(
    `/incidents${suffix}`,
  );
  if (flags.json) {
    io.out.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.ok;
  }
  io.out.write(`${incidentTable(page.items)}\n`);
  if (page.nextCursor) io.err.write(`(more incidents: narrow with --status/--severity or raise --limit)\n`);
  return EXIT.ok;
}

async function show(io: Io, id: string, flags: JsonFlags): Promise<number> {
  const client = serverClient(flags, io.env);
  const detail = await client.get<IncidentDetail>(path(id));
  const timeline = await client.get<{ items: IncidentEvent[] }>(path(id, '/timeline'));
  if (flags.json) {
    io.out.write(`${JSON.stringify({ incident: detail, timeline: timeline.items }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.out.write(`${incidentDetailText(detail, timeline.items, Date.now())}\n`);
  return EXIT.ok;
}

/**
 * Acknowledge / mitigate / resolve. The acknowledge endpoint takes no message, so a --message given
 * with `ack` is added as a note right after (it then also reaches the policy's update channels).
 */
async function transition(
  io: Io,
  id: string,
  action: 'acknowledge' | 'mitigate' | 'resolve',
  past: string,
  flags: MessageFlags,
): Promise<number> {
  const client = serverClient(flags, io.env);
  const message = flags.message?.trim();
  let incident = await client.post<IncidentDetail>(
    path(id, `/${action}`),
    action !== 'acknowledge' && message ? { message } : {},
  );
  if (action === 'acknowledge' && message) {
    incident = await client.post<IncidentDetail>(path(id, '/notes'), { text: message });
  }
  io.out.write(`${past} ${incident.id}: ${incident.status}, ${incident.severity}, ${incident.title}\n`);
  return EXIT.ok;
}

/** One command endpoint that answers with the incident; prints what was done and where it stands. */
async function command(
  io: Io,
  id: string,
  endpoint: string,
  body: unknown,
  what: string,
  flags: ServerFlags,
): Promise<number> {
  const incident = await serverClient(flags, io.env).post<IncidentDetail>(path(id, `/${endpoint}`), body);
  io.out.write(`${what} on ${incident.id}: ${incident.status}, ${incident.severity}, ${incident.title}\n`);
  return EXIT.ok;
}

/** "2026-12-01" (midnight UTC) or any ISO-8601 time → the ISO string the API stores. */
export function parseDue(value: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new InputError('cli.bad-date', `--due "${value}" is not a date such as 2026-12-01`);
  }
  return new Date(ms).toISOString();
}

async function followup(io: Io, id: string, flags: FollowupFlags): Promise<number> {
  const body = {
    title: nonEmpty('--title', flags.title),
    owner: nonEmpty('--owner', flags.owner),
    ...(flags.due !== undefined && { dueAt: parseDue(flags.due) }),
  };
  const created = await serverClient(flags, io.env).post<{ id: string; dueAt: string | null }>(
    path(id, '/followups'),
    body,
  );
  io.out.write(
    `follow-up ${created.id} on ${id}: ${body.title} (owner ${body.owner}${created.dueAt ? `, due ${created.dueAt.slice(0, 10)}` : ''})\n`,
  );
  return EXIT.ok;
}

async function report(io: Io, id: string, flags: ReportFlags): Promise<number> {
  const { markdown } = await serverClient(flags, io.env).get<{ markdown: string }>(path(id, '/report'));
  const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  if (flags.out === undefined) {
    io.out.write(text);
    return EXIT.ok;
  }
  const file = resolve(io.cwd, flags.out);
  await writeFile(file, text).catch((error: unknown) => {
    throw new InputError('cli.unwritable', `cannot write ${flags.out}: ${errorMessage(error)}`);
  });
  io.err.write(`report written to ${file}\n`);
  return EXIT.ok;
}
