// main() imports a command's module only when that command runs: help, typos and subcommands must
// still see every command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from './helpers.js';

const COMMANDS = [
  'run',
  'contract',
  'lint',
  'diff',
  'demo',
  'load',
  'proxy',
  'serve',
  'api',
  'worker',
  'token',
  'push',
  'audit',
  'incident',
  'changes',
  'monitoring',
  'drill',
];

test('--help lists every command, in order; the version needs none of them', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  const listed = [...help.out.matchAll(/^ {2}(\w+)(?= )/gm)].map((m) => m[1]);
  assert.deepEqual(
    listed.filter((name) => name !== 'help'),
    COMMANDS,
  );
  const version = await cli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+/);
});

test('one command, its help, its subcommands, and a typo with a suggestion', async () => {
  const contractHelp = await cli(['contract', '--help']);
  assert.equal(contractHelp.code, 0);
  assert.match(contractHelp.out, /--base-url/);
  const viaHelp = await cli(['help', 'incident']);
  assert.equal(viaHelp.code, 0);
  assert.match(viaHelp.out, /acknowledge|ack/);
  const typo = await cli(['contrat']);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /Did you mean contract\?/);
});
