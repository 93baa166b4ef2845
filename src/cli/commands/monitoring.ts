import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { serverOptions } from './incident.js';
import { shortTime, table } from './incident-format.js';
import type { ServerFlags } from './server-client.js';
import { serverClient } from './server-client.js';

/** GET/PUT /onboardings/{id}/monitoring as the API answers it. */
interface Monitoring {
  onboardingId: string;
  enabled: boolean;
  changedAt: string | null;
  changedBy: string | null;
  monitors: {
    id: string;
    environment: string;
    kind: string;
    everyMs: number;
    lastAt: string | null;
    lastOutcome: string | null;
  }[];
}

interface StatusFlags extends ServerFlags {
  json?: boolean;
}

/** `gangway monitoring on|off|status <onboardingId>`: the switch for an onboarding's monitors. */
export function registerMonitoring(program: Command, io: Io, done: (code: number) => void): void {
  const monitoring = program
    .command('monitoring')
    .description("switch an onboarding's monitors on or off, or show them");
  for (const [name, enabled, what] of [
    ['on', true, "run the playbook's monitors for this onboarding"],
    ['off', false, "stop this onboarding's monitors"],
  ] as const) {
    serverOptions(
      monitoring
        .command(name)
        .description(what)
        .argument('<onboardingId>', 'onboarding id')
        .option('--json', 'print the API answer as JSON'),
    ).action(async (id: string, flags: StatusFlags) => done(await show(io, flags, 'PUT', id, { enabled })));
  }
  serverOptions(
    monitoring
      .command('status')
      .description('whether the onboarding is monitored, and its monitors’ last samples')
      .argument('<onboardingId>', 'onboarding id')
      .option('--json', 'print the API answer as JSON'),
  ).action(async (id: string, flags: StatusFlags) => done(await show(io, flags, 'GET', id)));
  for (const sub of monitoring.commands) sub.exitOverride();
}

async function show(
  io: Io,
  flags: StatusFlags,
  method: 'GET' | 'PUT',
  id: string,
  body?: { enabled: boolean },
): Promise<number> {
  const answer = await serverClient(flags, io.env).request<Monitoring>(
    method,
    `/onboardings/${encodeURIComponent(id)}/monitoring`,
    body,
  );
  if (flags.json) {
    io.out.write(`${JSON.stringify(answer, null, 2)}\n`);
    return EXIT.ok;
  }
  const since = answer.changedAt ? ` since ${shortTime(answer.changedAt)} by ${answer.changedBy ?? '?'}` : '';
  const lines = [`monitoring ${answer.enabled ? 'on' : 'off'} for ${answer.onboardingId}${since}`];
  if (answer.monitors.length === 0) lines.push('no monitors in this playbook version');
  else {
    const rows = answer.monitors.map((m) => [
      m.id,
      m.kind,
      m.environment,
      every(m.everyMs),
      shortTime(m.lastAt),
      m.lastOutcome ?? '-',
    ]);
    lines.push(table(['MONITOR', 'KIND', 'ENV', 'EVERY', 'LAST', 'OUTCOME'], rows));
  }
  io.out.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** 250 → "250ms", 60000 → "60s", 300000 → "5m". */
function every(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
