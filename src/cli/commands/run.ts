import type { Command } from 'commander';
import { checkKindsByName } from '../../checks/index.js';
import { InputError } from '../../core/errors.js';
import {
  combineSecretSources,
  createResolver,
  envSecretSource,
  fileSecretSource,
} from '../../playbook/secrets.js';
import type { RunReport } from '../../runner/events.js';
import { prepareTarget } from '../../runner/prepare.js';
import { playbookVersionId } from '../../store/index.js';
import { execute, parseReports } from '../execute.js';
import { loadPlaybookAndSpec } from '../load.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { collect, parseInteger, parseSeed, randomSeed } from './options.js';
import { type PlaybookTexts, playbookTexts } from './push.js';
import { type ServerClient, serverClient } from './server-client.js';

export interface RunFlags {
  stage: string;
  env?: string;
  report: string[];
  seed?: number;
  secretsFile?: string;
  concurrency?: number;
  verbose?: boolean;
  server?: string;
  token?: string;
  onboarding?: string;
}

/** `gangway run <playbook> --stage <id>`: one stage against one environment, exit code from the gate. */
export function registerRun(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('run')
    .description('run a stage of a playbook and evaluate its gate')
    .argument('<playbook>', 'playbook YAML file')
    .requiredOption('-s, --stage <id>', 'stage to run')
    .option('-e, --env <name>', "environment (default: the stage's)")
    .option('-r, --report <format=path>', 'write a report: junit=, json= or html= (repeatable)', collect, [])
    .option('--seed <n>', 'seed for generated data, to reproduce a run', parseSeed)
    .option('--secrets-file <path>', 'YAML, JSON or dotenv file with the values of secret references')
    .option('--concurrency <n>', 'checks run at once (default 2)', parseInteger)
    .option('-v, --verbose', 'more progress lines in CI')
    .option('--server <url>', 'upload the JSON report to this Gangway service after the run')
    .option('--token <token>', 'API token for --server (env GANGWAY_TOKEN)')
    .option('--onboarding <id>', "the onboarding the run counts for (default: the playbook's only one)")
    .addHelpText(
      'after',
      '\nWith --server: exit 2 when the onboarding is not found or ambiguous (before running), 3 when the upload fails.',
    )
    .action(async (file: string, flags: RunFlags) => done(await run(io, file, flags)));
}

/** Runs a stage of a playbook file; returns the exit code. */
export async function run(io: Io, file: string, flags: RunFlags): Promise<number> {
  parseReports(flags.report);
  if (flags.onboarding && !flags.server) {
    throw new InputError('cli.bad-option', '--onboarding names where to upload: it needs --server');
  }
  const client = flags.server ? serverClient(flags, io.env) : undefined;
  const texts = client ? await playbookTexts(io, file) : undefined;
  const { playbook, spec } = texts ?? (await loadPlaybookAndSpec(file, io.cwd));
  const stage = playbook.stages.find((s) => s.id === flags.stage);
  if (!stage) {
    const known = playbook.stages.map((s) => s.id).join(', ') || 'none';
    throw new InputError(
      'cli.unknown-stage',
      `stage "${flags.stage}" is not in ${playbook.playbook} (stages: ${known})`,
    );
  }
  const envName = flags.env ?? stage.environment;
  const upload = client && texts ? await uploader(io, client, texts, flags.onboarding, envName) : undefined;
  const sources = [envSecretSource(io.env)];
  if (flags.secretsFile) sources.push(await fileSecretSource(flags.secretsFile));
  const resolver = createResolver(combineSecretSources(...sources), io.env);
  const target = envName ? await prepareTarget(playbook, envName, { resolver, version: VERSION }) : undefined;
  return execute(io, {
    playbook,
    stage,
    ...(target && { target }),
    otherEnvironment: (name) => prepareTarget(playbook, name, { resolver, version: VERSION }),
    ...(spec && { spec }),
    kinds: checkKindsByName,
    baseDir: playbook.baseDir,
    seed: flags.seed ?? randomSeed(),
    reports: flags.report,
    ...(flags.concurrency && { concurrency: flags.concurrency }),
    ...(flags.verbose && { verbose: true }),
    ...(upload && { upload }),
  });
}

interface OnboardingAnswer {
  id: string;
  partnerId: string;
  playbookVersionId: string;
  currentStage: string;
}

/**
 * Finds the onboarding before the run (so a wrong one costs no run) and returns what uploads the report.
 * The upload counts for the gate only on the onboarding's playbook version: a mismatch is warned about.
 */
async function uploader(
  io: Io,
  client: ServerClient,
  texts: PlaybookTexts,
  onboardingId: string | undefined,
  environment: string | undefined,
): Promise<(report: RunReport) => Promise<void>> {
  const versionId = playbookVersionId(texts.playbookText, texts.specText);
  const onboarding = onboardingId
    ? await client.get<OnboardingAnswer>(`/onboardings/${encodeURIComponent(onboardingId)}`)
    : await onlyOnboarding(client, texts.playbook.playbook);
  if (onboarding.playbookVersionId !== versionId) {
    io.err.write(
      `warning: this playbook is version ${versionId}, onboarding ${onboarding.id} is on ${onboarding.playbookVersionId}: the uploaded run will not count for its gate (gangway push it, then move the onboarding to it)\n`,
    );
  }
  return async (report) => {
    const run = await client.post<{ id: string; status: string }>('/runs/uploads', {
      onboardingId: onboarding.id,
      playbookVersionId: versionId,
      ...(environment && { environment }),
      report,
    });
    io.out.write(`uploaded as run ${run.id} (${run.status}) of onboarding ${onboarding.id}\n`);
  };
}

async function onlyOnboarding(client: ServerClient, playbook: string): Promise<OnboardingAnswer> {
  const page = await client.get<{ items: OnboardingAnswer[] }>(
    `/onboardings?playbook=${encodeURIComponent(playbook)}&limit=20`,
  );
  const [only, ...others] = page.items;
  if (only && others.length === 0) return only;
  if (!only) {
    throw new InputError(
      'cli.no-onboarding',
      `no onboarding on playbook ${playbook} is visible to this token`,
    );
  }
  const list = page.items.map((o) => `${o.id} (partner ${o.partnerId}, at ${o.currentStage})`).join(', ');
  throw new InputError(
    'cli.ambiguous-onboarding',
    `${page.items.length}${page.items.length === 20 ? '+' : ''} onboardings on playbook ${playbook}: choose one with --onboarding: ${list}`,
  );
}
