import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS, operationKey, pathOperations, type RawDocument } from './_diff-truth.js';
import type { MeasuredRun } from './_measured.js';
import { npmInstallInto } from './_processes.js';
import { CACHE_DIR } from './openapi-github-spec.js';

export const PEERS_DIR = join(CACHE_DIR, 'peers');
/** All declare Node ≥ 18 or no engines; none downloads a binary at install. */
export const PEER_PACKAGES = [
  'api-smart-diff@1.0.6',
  'openapi-diff@0.24.1',
  '@useoptic/optic@1.0.9',
] as const;

/** What a differ's output says, once it finished. */
export interface Reading {
  breaking?: number;
  removed: string[];
}

export interface Differ {
  name: string;
  /** Package whose installed version is shown next to the name (undefined: Gangway itself). */
  pkg?: string;
  command: (repo: string, oldFile: string, newFile: string) => { cmd: string; args: string[] };
  env?: NodeJS.ProcessEnv;
  /** Exit codes that mean "finished" (a differ may exit 1 because it found breaking changes). */
  okCodes: readonly number[];
  read: (run: MeasuredRun, before: RawDocument) => Reading;
}

const peerBin = (name: string) => join(PEERS_DIR, 'node_modules', '.bin', name);

/** Installs the peer differs unless present; returns a note per problem. */
export function ensurePeers(): string[] {
  if (['openapi-diff', 'optic'].every((b) => existsSync(peerBin(b)))) return [];
  return npmInstallInto(PEERS_DIR, PEER_PACKAGES);
}

/** Installed version of a peer package, or '?' when it is not installed. */
export function installedVersion(pkg: string): string {
  try {
    const file = join(PEERS_DIR, 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** "paths./a/{b}.get" or "paths./a/{b}" (openapi-diff's locations) → operation keys. */
function fromDottedLocation(location: string, before: RawDocument): string[] {
  const rest = location.replace(/^paths\./, '');
  const dot = rest.lastIndexOf('.');
  const tail = rest.slice(dot + 1);
  if (dot > 0 && (METHODS as readonly string[]).includes(tail))
    return [operationKey(tail, rest.slice(0, dot))];
  return pathOperations(before, rest);
}

interface OpenApiDiffResult {
  code: string;
  sourceSpecEntityDetails: { location: string }[];
}

// Optic colours nothing in --json mode, and sends no telemetry with this set.
const OPTIC_ENV = { ...process.env, OPTIC_TELEMETRY_LEVEL: 'off' };

function readOptic(run: MeasuredRun): Reading {
  const parsed = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
    operations: { name: string; change: string }[];
  };
  const removed = parsed.operations
    .filter((o) => o.change === 'removed')
    .map((o) => {
      const [method = '', path = ''] = o.name.split(' ');
      return operationKey(method, path);
    });
  // --json prints the changelog only; the checks' verdict is the exit code (1: an error-level rule failed).
  return { removed };
}

export const DIFFERS: readonly Differ[] = [
  {
    name: 'Gangway `gangway diff`',
    command: (repo, a, b) => ({
      cmd: process.execPath,
      args: [join(repo, 'bin', 'gangway.js'), 'diff', a, b, '--format', 'json'],
    }),
    okCodes: [0, 1],
    read: (run) => {
      const result = JSON.parse(run.stdout) as {
        changes: { code: string; operation: string }[];
        summary: { breaking: number };
      };
      const removed = result.changes
        .filter((c) => c.code === 'path.removed' || c.code === 'operation.removed')
        .map((c) => {
          const [method = '', path = ''] = c.operation.split(' ');
          return operationKey(method, path);
        });
      return { breaking: result.summary.breaking, removed };
    },
  },
  {
    name: 'api-smart-diff (library, in a tsx wrapper)',
    pkg: 'api-smart-diff',
    command: (repo, a, b) => ({
      cmd: process.execPath,
      args: ['--import', 'tsx', join(repo, 'bench', '_peer-api-smart-diff.ts'), a, b],
    }),
    okCodes: [0],
    read: (run) => {
      const line = run.stdout.trim().split('\n').at(-1) ?? '{}';
      return JSON.parse(line) as Reading;
    },
  },
  {
    name: 'openapi-diff CLI',
    pkg: 'openapi-diff',
    command: (_repo, a, b) => ({ cmd: peerBin('openapi-diff'), args: [a, b] }),
    okCodes: [0, 1],
    read: (run, before) => {
      const start = run.stdout.indexOf('{');
      if (start < 0) return { breaking: 0, removed: [] }; // "No changes found"
      const outcome = JSON.parse(run.stdout.slice(start)) as { breakingDifferences?: OpenApiDiffResult[] };
      const breaking = outcome.breakingDifferences ?? [];
      const removed = breaking
        .filter((d) => d.code === 'path.remove' || d.code === 'method.remove')
        .flatMap((d) => d.sourceSpecEntityDetails.flatMap((s) => fromDottedLocation(s.location, before)));
      return { breaking: breaking.length, removed };
    },
  },
  {
    name: 'Optic CLI `optic diff --check --json` (default: strict validation)',
    pkg: '@useoptic/optic',
    command: (_repo, a, b) => ({ cmd: peerBin('optic'), args: ['diff', a, b, '--check', '--json'] }),
    env: OPTIC_ENV,
    okCodes: [0, 1],
    read: readOptic,
  },
  {
    name: 'Optic CLI, `--validation loose`',
    pkg: '@useoptic/optic',
    command: (_repo, a, b) => ({
      cmd: peerBin('optic'),
      args: ['diff', a, b, '--check', '--json', '--validation', 'loose'],
    }),
    env: OPTIC_ENV,
    okCodes: [0, 1],
    read: readOptic,
  },
];
