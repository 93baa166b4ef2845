import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { type ServerFlags, serverClient } from './server-client.js';

interface ApiFlags extends ServerFlags {
  data?: string;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** `gangway api <method> <path>`: one call to the service's API, the answer printed as JSON (like `gh api`). */
export function registerApi(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('api')
    .description('call the service API: gangway api POST /partners --data \'{"name":"Acme"}\'')
    .argument('<method>', 'GET, POST, PUT or DELETE')
    .argument('<path>', 'path under /api/v1, e.g. /onboardings or /onboardings/onb_…/gates/sandbox')
    .option('-d, --data <json|@file>', 'JSON body, or @file to read it from a file')
    .option('--server <url>', 'the service (env GANGWAY_SERVER)')
    .option('--token <token>', 'API token (env GANGWAY_TOKEN)')
    .addHelpText(
      'after',
      '\nExit codes: 0 answered 2xx, 2 refused (4xx: the API error code and message are printed), 3 server unreachable or failed.',
    )
    .action(async (method: string, path: string, flags: ApiFlags) =>
      done(await call(io, method, path, flags)),
    );
}

async function call(io: Io, method: string, path: string, flags: ApiFlags): Promise<number> {
  const verb = method.toUpperCase();
  if (!METHODS.has(verb))
    throw new InputError('cli.bad-method', `method must be GET, POST, PUT or DELETE, not ${method}`);
  if (!path.startsWith('/'))
    throw new InputError('cli.bad-path', `the path starts with /, e.g. /partners (got ${path})`);
  const body = flags.data === undefined ? undefined : await readBody(io, flags.data);
  const answer = await serverClient(flags, io.env).request<unknown>(
    verb,
    path.replace(/^\/api\/v1(?=\/)/, ''),
    body,
  );
  if (answer !== undefined) {
    io.out.write(`${typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2)}\n`);
  }
  return EXIT.ok;
}

async function readBody(io: Io, data: string): Promise<unknown> {
  const text = data.startsWith('@')
    ? await readFile(resolve(io.cwd, data.slice(1)), 'utf8').catch(() => {
        throw new InputError('cli.unreadable', `cannot read ${data.slice(1)}`);
      })
    : data;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError('cli.bad-json', `--data is not JSON: ${(error as Error).message}`);
  }
}
