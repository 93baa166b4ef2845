import type { Command } from 'commander';
import pc from 'picocolors';
import { loadPlaybookAndSpec } from '../load.js';
import type { Io } from '../output.js';

/** `gangway lint <playbook>`: validates the playbook and its spec without sending anything. */
export function registerLint(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('lint')
    .description('validate a playbook and the OpenAPI spec it references')
    .argument('<playbook>', 'playbook YAML file')
    .action(async (file: string) => {
      const { playbook, spec } = await loadPlaybookAndSpec(file, io.cwd);
      const c = pc.createColors(io.color);
      const checks = playbook.stages.reduce((n, s) => n + s.checks.length, 0);
      io.out.write(
        `${c.green('✔')} ${playbook.playbook} ${playbook.version} is valid: ${playbook.stages.length} stage(s), ${checks} check(s), ${Object.keys(playbook.flows).length} flow(s)\n`,
      );
      if (spec) {
        io.out.write(
          `${c.green('✔')} spec ${spec.title} ${spec.apiVersion} (OpenAPI ${spec.format}): ${spec.operations.length} operation(s)\n`,
        );
      }
      done(0);
    });
}
