import { resolve } from 'node:path';
import type { Command } from 'commander';
import { contract as contractKind } from '../../checks/contract.js';
import type { CheckKind } from '../../checks/kind.js';
import { parseDuration } from '../../core/duration.js';
import { InputError } from '../../core/errors.js';
import { loadSpec } from '../../openapi/load.js';
import { adhocTarget } from '../../runner/prepare.js';
import { execute, parseReports } from '../execute.js';
import type { Io } from '../output.js';
import { VERSION } from '../version.js';
import { collect, parseHeaders, parseInteger, parseSeed, randomSeed } from './options.js';
import { parseQueries, withQuery } from './query-auth.js';

interface ContractFlags {
  baseUrl: string;
  header: string[];
  query: string[];
  report: string[];
  safe?: boolean;
  authProbes: boolean;
  negative?: boolean;
  operation: string[];
  exclude: string[];
  maxCases?: number;
  maxShrinks?: number;
  rate?: number;
  concurrency?: number;
  maxLatency?: string;
  timeBudget: string;
  seed?: number;
  insecure?: boolean;
  verbose?: boolean;
}

/** `gangway contract <spec> --base-url <url>`: contract conformance from the spec alone, no playbook. */
export function registerContract(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('contract')
    .description(
      'call every operation of a spec against a base URL and validate every response (exit 1 on any finding)',
    )
    .argument('<spec>', 'OpenAPI 2.0, 3.0 or 3.1 document (file or URL)')
    .requiredOption('-u, --base-url <url>', 'base URL of the API')
    .option(
      '-H, --header <"Name: value">',
      'header sent with every request, e.g. auth (repeatable)',
      collect,
      [],
    )
    .option(
      '-q, --query <"name=value">',
      'query parameter sent with every request, e.g. an API key (?api_key=...); the value is redacted (repeatable)',
      collect,
      [],
    )
    .option('--safe', 'only GET, HEAD and OPTIONS')
    .option('--negative', 'also send requests breaking one documented constraint each; they must get a 4xx')
    .option('--no-auth-probes', 'do not check that secured operations refuse missing and wrong credentials')
    .option(
      '--operation <id>',
      'only this operation (operationId or "METHOD /path"; repeatable)',
      collect,
      [],
    )
    .option('--exclude <id>', 'leave this operation out (repeatable)', collect, [])
    .option(
      '--max-cases <n>',
      'requests per operation: one from examples, the rest property-based (default 2)',
      parseInteger,
    )
    .option(
      '--max-shrinks <n>',
      'requests per operation to shrink a failing case (default 20, 0: no shrinking)',
      parseCount,
    )
    .option('--rate <n>', 'at most n requests per second', parseRate)
    .option(
      '--concurrency <n>',
      'operations exercised at once (default 4); the same --seed gives the same findings at any concurrency',
      parseInteger,
    )
    .option('--max-latency <duration>', 'latency budget of every response, e.g. 500ms')
    .option('--time-budget <duration>', 'stop the whole run after this long', '30m')
    .option('-r, --report <format=path>', 'write a report: junit=, json= or html= (repeatable)', collect, [])
    .option('--seed <n>', 'seed for generated data, to reproduce a run', parseSeed)
    .option('-k, --insecure', 'accept any TLS certificate')
    .option('-v, --verbose', 'more progress lines in CI')
    .action(async (spec: string, flags: ContractFlags) => done(await contract(io, spec, flags)));
}

async function contract(io: Io, source: string, flags: ContractFlags): Promise<number> {
  parseReports(flags.report);
  const headers = parseHeaders(flags.header);
  const queries = parseQueries(flags.query);
  const spec = await loadSpec(/^https?:\/\//i.test(source) ? source : resolve(io.cwd, source));
  // A typo in --operation/--exclude is a bad flag (exit 2), not a check that could not run (exit 1).
  const unknown = [...flags.operation, ...flags.exclude].filter((ref) => !spec.operation(ref));
  if (unknown.length > 0) {
    const known = spec.operations
      .slice(0, 5)
      .map((op) => op.id)
      .join(', ');
    throw new InputError(
      'cli.unknown-operation',
      `${unknown.map((r) => `"${r}"`).join(', ')} ${unknown.length === 1 ? 'is not an operation' : 'are not operations'} of ${spec.title} (operations look like ${known})`,
    );
  }
  const adhoc = adhocTarget(flags.baseUrl, { headers, insecure: flags.insecure === true, version: VERSION });
  const target =
    queries.length === 0
      ? adhoc
      : await withQuery(adhoc, queries, spec, { headers, insecure: flags.insecure === true });
  const timeoutMs = parseDuration(flags.timeBudget);
  const parsed = contractKind.options.safeParse({
    safe: flags.safe === true,
    authProbes: flags.authProbes,
    negative: flags.negative === true,
    ...(flags.operation.length > 0 && { operations: flags.operation }),
    exclude: flags.exclude,
    ...(flags.maxCases && { maxCasesPerOperation: flags.maxCases }),
    ...(flags.maxShrinks !== undefined && { maxShrinks: flags.maxShrinks }),
    ...(flags.rate && { rate: flags.rate }),
    ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
    ...(flags.maxLatency && { maxLatency: flags.maxLatency }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      'cli.bad-option',
      `--${String(issue.path[0] ?? 'option').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`,
    );
  }
  const options: unknown = parsed.data;
  return execute(io, {
    stage: {
      id: 'contract',
      title: `Contract of ${spec.title}`,
      checks: [{ id: 'contract', kind: 'contract', required: true, timeoutMs, options }],
      signoff: [],
    },
    target,
    spec,
    // The one kind this command runs: the registry would load every kind's code (~80 ms of start-up).
    kinds: new Map<string, CheckKind>([[contractKind.kind, contractKind]]),
    baseDir: io.cwd,
    seed: flags.seed ?? randomSeed(),
    reports: flags.report,
    strictFindings: true,
    ...(flags.verbose && { verbose: true }),
  });
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!(n > 0) || n > 10_000)
    throw new InputError(
      'cli.bad-number',
      `--rate "${value}" is not a number of requests per second (0 < n ≤ 10000)`,
    );
  return n;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError('cli.bad-number', `"${value}" is not a non-negative integer`);
  return n;
}
