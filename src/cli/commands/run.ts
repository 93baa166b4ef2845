import type { Command } from 'commander';
import { checkKindsByName } from '../../checks/index.js';
import { InputError } from '../../core/errors.js';
import {
  combineSecretSources,
  createResolver,
  envSecretSource,
  fileSecretSource,
} from '../../playbook/secrets.js';
import { prepareTarget } from '../../runner/prepare.js';
import { execute, parseReports } from '../execute.js';
import { loadPlaybookAndSpec } from '../load.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { collect, parseInteger, parseSeed } from './options.js';

export interface RunFlags {
  stage: string;
  env?: string;
  report: string[];
  seed?: number;
  secretsFile?: string;
  concurrency?: number;
  verbose?: boolean;
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
    .action(async (file: string, flags: RunFlags) => done(await run(io, file, flags)));
}

/** Runs a stage of a playbook file; returns the exit code. */
export async function run(io: Io, file: string, flags: RunFlags): Promise<number> {
  parseReports(flags.report);
  const { playbook, spec } = await loadPlaybookAndSpec(file, io.cwd);
  const stage = playbook.stages.find((s) => s.id === flags.stage);
  if (!stage) {
    const known = playbook.stages.map((s) => s.id).join(', ') || 'none';
    throw new InputError(
      'cli.unknown-stage',
      `stage "${flags.stage}" is not in ${playbook.playbook} (stages: ${known})`,
    );
  }
  const envName = flags.env ?? stage.environment;
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
  });
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
