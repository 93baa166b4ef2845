import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { type DiffFormat, diffSpecs, type FailOn, failsOn, formatDiff } from '../../openapi/diff/index.js';
import { loadSpec } from '../../openapi/load.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';

interface DiffFlags {
  format: DiffFormat;
  failOn: FailOn;
}

/** `gangway diff <old> <new>`: breaking changes between two specs (exit 1 at or above --fail-on). */
export function registerDiff(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('diff')
    .description(
      'compare two OpenAPI specs and report breaking changes (exit 1 on any at or above --fail-on)',
    )
    .argument('<old-spec>', 'the last published spec (2.0, 3.0 or 3.1; file or URL)')
    .argument('<new-spec>', 'the candidate spec')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'markdown', 'json'])
        .default('text'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1')
        .choices(['breaking', 'warning'])
        .default('breaking'),
    )
    .action(async (before: string, after: string, flags: DiffFlags) => {
      const [a, b] = await Promise.all([loadSpec(before, { cwd: io.cwd }), loadSpec(after, { cwd: io.cwd })]);
      const result = diffSpecs(a, b);
      const c = pc.createColors(io.color && flags.format === 'text');
      io.out.write(
        formatDiff(result, flags.format, { red: c.red, yellow: c.yellow, dim: c.dim, bold: c.bold }),
      );
      done(failsOn(result, flags.failOn) ? EXIT.blocked : EXIT.ok);
    });
}
