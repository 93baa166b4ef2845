// Fetches GitHub's published OpenAPI document once into bench/.cache (gitignored), through the
// npm registry: `npm pack` the @octokit/openapi tarball and extract only the one file we need.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const OCTOKIT_OPENAPI_VERSION = '23.0.2';
export const CACHE_DIR = join(import.meta.dirname, '.cache');
export const GITHUB_SPEC = join(CACHE_DIR, 'api.github.com.json');

/** Returns the path of the cached api.github.com.json, downloading it when absent. */
export function ensureGithubSpec(): string {
  return fetchSpec(OCTOKIT_OPENAPI_VERSION, GITHUB_SPEC);
}

/** Returns the path of api.github.com.json from a given @octokit/openapi version, cached as api.github.com-<version>.json. */
export function ensureGithubSpecVersion(version: string): string {
  if (version === OCTOKIT_OPENAPI_VERSION) return ensureGithubSpec();
  return fetchSpec(version, join(CACHE_DIR, `api.github.com-${version}.json`));
}

function fetchSpec(version: string, file: string): string {
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = execFileSync(
    'npm',
    ['pack', `@octokit/openapi@${version}`, '--pack-destination', CACHE_DIR, '--silent'],
    { encoding: 'utf8' },
  );
  const tarball = join(CACHE_DIR, out.trim().split('\n').at(-1) ?? '');
  const work = join(CACHE_DIR, `extract-${version}`);
  mkdirSync(work, { recursive: true });
  const inner = 'package/generated/api.github.com.json';
  execFileSync('tar', ['-xzf', tarball, '-C', work, inner]);
  renameSync(join(work, inner), file);
  rmSync(work, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  return file;
}
