import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import pc from 'picocolors';
import { FAULTS, parseFaults } from '../../demo/faults.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, type Sandbox, startSandbox } from '../../demo/sandbox.js';
import type { Io } from '../output.js';
import { collect, parseInteger, parseSeed } from './options.js';
import { run } from './run.js';

/** The example playbook shipped with Gangway (same relative place from src/ and dist/). */
export const EXAMPLE_PLAYBOOK = fileURLToPath(
  new URL('../../../examples/payments/playbook.yaml', import.meta.url),
);

const FAULT_HELP = FAULTS.map((f) => `${f.name} (${f.description})`).join('; ');

interface SandboxFlags {
  port?: number;
  httpsPort?: number;
  fault: string[];
}

interface DemoRunFlags {
  stage: string;
  fault: string[];
  report: string[];
  seed?: number;
  verbose?: boolean;
}

/** `gangway demo sandbox` (the demo partner API alone) and `gangway demo run` (it plus the example stage). */
export function registerDemo(program: Command, io: Io, done: (code: number) => void): void {
  const demo = program.command('demo').description('the demo partner sandbox and the example playbook');
  demo
    .command('sandbox')
    .description('start the demo payments API on 127.0.0.1 until Ctrl-C')
    .option('-p, --port <n>', 'HTTP port (default: a free one)', parseInteger)
    .option('--https-port <n>', 'HTTPS port (default: a free one)', parseInteger)
    .option('-f, --fault <name>', `switch a fault on (repeatable): ${FAULT_HELP}`, collect, [])
    .action(async (flags: SandboxFlags) => done(await sandbox(io, flags)));
  demo
    .command('run')
    .description(
      'start the demo sandbox and run a stage of the example playbook against it (what npm start does)',
    )
    .option('-s, --stage <id>', 'stage of the example playbook', 'sandbox')
    .option('-f, --fault <name>', `switch a fault on in the sandbox (repeatable): ${FAULT_HELP}`, collect, [])
    .option(
      '-r, --report <format=path>',
      'report to write (default html=reports/demo-<stage>.html)',
      collect,
      [],
    )
    .option('--seed <n>', 'seed for generated data', parseSeed)
    .option('-v, --verbose', 'more progress lines in CI')
    .action(async (flags: DemoRunFlags) => done(await demoRun(io, flags)));
}

async function sandbox(io: Io, flags: SandboxFlags): Promise<number> {
  const faults = parseFaults(flags.fault);
  const box = await startSandbox({
    ...(flags.port && { port: flags.port }),
    https: flags.httpsPort ? { port: flags.httpsPort } : true,
    faults,
  });
  const ca = await writeCa(box);
  const c = pc.createColors(io.color);
  io.out.write(
    [
      `${c.green('Demo payments sandbox')} listening`,
      `  http:   ${box.url}`,
      `  https:  ${box.httpsUrl} (self-signed certificate: ${ca.file})`,
      `  OAuth2: POST /oauth/token, client id ${DEMO_CLIENT_ID}, client secret ${DEMO_CLIENT_SECRET}`,
      `  faults: ${faults.join(', ') || 'none'} — switch at run time: curl -X POST ${box.url}/__admin/faults -H 'content-type: application/json' -d '{"faults":["slow"]}'`,
      '',
      'Run the example playbook against it from another shell:',
      `  export DEMO_SANDBOX_URL=${box.httpsUrl} DEMO_SANDBOX_CA=${ca.file} DEMO_CLIENT_ID=${DEMO_CLIENT_ID} GANGWAY_SECRET_DEMO_CLIENT_SECRET=${DEMO_CLIENT_SECRET}`,
      `  gangway run ${EXAMPLE_PLAYBOOK} --stage sandbox`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await box.close();
  await ca.remove();
  return 0;
}

/** Writes the sandbox's certificate to a temporary file so playbooks can trust it with tls.ca. */
async function writeCa(box: Sandbox): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gangway-demo-'));
  const file = join(dir, 'ca.pem');
  await writeFile(file, box.ca ?? '', { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function demoRun(io: Io, flags: DemoRunFlags): Promise<number> {
  const faults = parseFaults(flags.fault);
  const box = await startSandbox({ https: true, faults });
  const ca = await writeCa(box);
  const c = pc.createColors(io.color);
  io.out.write(
    `${c.dim('demo sandbox')} ${box.httpsUrl}${faults.length ? ` ${c.yellow(`faults: ${faults.join(', ')}`)}` : ''}\n`,
  );
  try {
    return await run(
      {
        ...io,
        env: {
          ...io.env,
          DEMO_SANDBOX_URL: box.httpsUrl,
          DEMO_SANDBOX_CA: ca.file,
          DEMO_CLIENT_ID,
          GANGWAY_SECRET_DEMO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
        },
      },
      EXAMPLE_PLAYBOOK,
      {
        stage: flags.stage,
        report: flags.report.length > 0 ? flags.report : [`html=reports/demo-${flags.stage}.html`],
        ...(flags.seed !== undefined && { seed: flags.seed }),
        ...(flags.verbose && { verbose: true }),
      },
    );
  } finally {
    await box.close();
    await ca.remove();
  }
}
