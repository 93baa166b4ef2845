import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import {
  combineSecretSources,
  createResolver,
  envSecretSource,
  fileSecretSource,
} from '../../playbook/secrets.js';
import { runDrill } from '../../service/ops/drill.js';
import { planDrill } from '../../service/ops/drill-plan.js';
import { scoreDrill } from '../../service/ops/drill-score.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { drillReportJson, drillReportMarkdown } from './drill-report.js';
import { playbookTexts } from './push.js';

export interface DrillFlags {
  scenario: string;
  env: string;
  speed?: number;
  escalate?: boolean;
  report?: string;
  notify: string;
  dataDir?: string;
  secretsFile?: string;
}

/** `gangway drill <playbook> --scenario <name> --env <environment>`: a scored incident rehearsal. */
export function registerDrill(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('drill')
    .description(
      "inject a scenario's fault in a non-production environment and score detection, notification and recovery",
    )
    .argument('<playbook>', 'playbook YAML file')
    .requiredOption(
      '--scenario <name>',
      'a scenario of drills.scenarios, or a detector id or kind (built-in)',
    )
    .requiredOption('-e, --env <name>', 'environment to drill (never one marked production: true)')
    .option(
      '--speed <n>',
      'divide every operations duration by n (monitor intervals, windows, deadlines)',
      parseSpeed,
    )
    .option('--escalate', 'do not acknowledge after level 1: expect level 2 at its deadline (± 1 s), once')
    .option(
      '--notify <mode>',
      "real: the playbook's notifiers (default); capture: record deliveries locally",
      'real',
    )
    .option('-r, --report <file>', 'also write the report to a file: .json or .md')
    .option('--data-dir <dir>', 'keep the drill store here (default: a temporary directory, removed)')
    .option('--secrets-file <path>', 'YAML, JSON or dotenv file with the values of secret references')
    .addHelpText(
      'after',
      '\nExit codes: 0 every expectation passed, 1 an expectation failed, 2 invalid input (production environment, unknown scenario), 3 internal error.',
    )
    .action(async (file: string, flags: DrillFlags) => done(await drill(io, file, flags)));
}

/** Runs a drill from a playbook file; prints the Markdown report; returns the exit code. */
export async function drill(io: Io, file: string, flags: DrillFlags): Promise<number> {
  if (flags.notify !== 'real' && flags.notify !== 'capture')
    throw new InputError('cli.bad-option', `--notify is real or capture, not "${flags.notify}"`);
  const format = flags.report ? reportFormat(flags.report) : undefined;
  const texts = await playbookTexts(io, file);
  const plan = planDrill(texts.playbook, {
    scenario: flags.scenario,
    environment: flags.env,
    speed: flags.speed ?? 1,
    escalate: flags.escalate === true,
  });
  const sources = [envSecretSource(io.env)];
  if (flags.secretsFile) sources.push(await fileSecretSource(resolve(io.cwd, flags.secretsFile)));
  const resolver = createResolver(combineSecretSources(...sources), io.env);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const run = await runDrill({
      playbook: texts.playbook,
      playbookText: texts.playbookText,
      specText: texts.specText,
      plan,
      resolver,
      notify: flags.notify,
      ...(flags.dataDir && { dataDir: resolve(io.cwd, flags.dataDir) }),
      version: VERSION,
      log: (line) => io.err.write(`drill: ${line}\n`),
      signal: controller.signal,
    });
    const score = scoreDrill(run);
    const markdown = drillReportMarkdown(run, score);
    io.out.write(markdown);
    if (flags.report) {
      const body = format === 'json' ? `${JSON.stringify(drillReportJson(run, score), null, 2)}\n` : markdown;
      await writeFile(resolve(io.cwd, flags.report), body);
    }
    return score.pass ? EXIT.ok : EXIT.blocked;
  } finally {
    process.removeListener('SIGINT', stop);
  }
}

function reportFormat(file: string): 'json' | 'md' {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.md' || ext === '.markdown') return 'md';
  throw new InputError('cli.bad-report', `--report ${file}: name a .json or .md file`);
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1)
    throw new InputError('cli.bad-number', `--speed "${value}" is not a number ≥ 1`);
  return n;
}
