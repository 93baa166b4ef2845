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
  if (existsSync(GITHUB_SPEC)) return GITHUB_SPEC;
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = execFileSync(
    'npm',
    ['pack', `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`, '--pack-destination', CACHE_DIR, '--silent'],
    { encoding: 'utf8' },
  );
  const tarball = join(CACHE_DIR, out.trim().split('\n').at(-1) ?? '');
  const inner = 'package/generated/api.github.com.json';
  execFileSync('tar', ['-xzf', tarball, '-C', CACHE_DIR, inner]);
  renameSync(join(CACHE_DIR, inner), GITHUB_SPEC);
  rmSync(join(CACHE_DIR, 'package'), { recursive: true, force: true });
  rmSync(tarball, { force: true });
  return GITHUB_SPEC;
}
