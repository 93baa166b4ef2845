import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { isScalar, isMap as isYamlMap } from 'yaml';
import { type Diagnostic, InputError } from '../core/errors.js';
import {
  normaliseSecretName as normalise,
  SECRET_ENV_PREFIX as PREFIX,
  type ReferenceResolver,
  secretEnvName,
} from './references.js';
import { displayPath, parseSource } from './source.js';

/** Where ${secret.name} values come from. */
export interface SecretSource {
  secret(name: string): string | undefined;
}

export { secretEnvName };

/** Secrets from environment variables named by secretEnvName(). */
export function envSecretSource(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return { secret: (name) => env[secretEnvName(name)] };
}

/**
 * Secrets from a map of name to value. A name matches exactly, or after normalising both sides the
 * way secretEnvName() does (so a dotenv file may say ACME_TOKEN or GANGWAY_SECRET_ACME_TOKEN).
 */
export function mapSecretSource(values: ReadonlyMap<string, string>): SecretSource {
  const normalised = new Map<string, string>();
  for (const [key, value] of values) {
    const n = normalise(key);
    normalised.set(n.startsWith(PREFIX) ? n.slice(PREFIX.length) : n, value);
  }
  return { secret: (name) => values.get(name) ?? normalised.get(normalise(name)) };
}

/** The first source that knows a secret wins: pass the environment first so it overrides the file. */
export function combineSecretSources(...sources: SecretSource[]): SecretSource {
  return {
    secret(name) {
      for (const source of sources) {
        const value = source.secret(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}

/** A resolver for references: ${env.*} from the environment, ${secret.*} from a secret source. */
export function createResolver(
  secrets: SecretSource,
  env: NodeJS.ProcessEnv = process.env,
): ReferenceResolver {
  return { env: (name) => env[name], secret: (name) => secrets.secret(name) };
}

/** Reads a secrets file: a YAML or JSON map of name to value, or dotenv lines (NAME=value). */
export async function fileSecretSource(file: string): Promise<SecretSource> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError('secrets.unreadable', `cannot read secrets file ${displayPath(path)}`, [], {
      cause: error,
    });
  }
  return mapSecretSource(parseSecrets(text, path));
}

const DOTENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=(.*)$/;

function looksLikeDotenv(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.length > 0 && lines.every((l) => DOTENV_LINE.test(l));
}

/** Parses secrets text. Errors carry positions and never the values. */
export function parseSecrets(text: string, file: string): Map<string, string> {
  const name = basename(file);
  if (
    extname(file) === '.env' ||
    name.startsWith('.env') ||
    (!/\.(ya?ml|json)$/i.test(file) && looksLikeDotenv(text))
  )
    return parseDotenv(text, file);
  const { source, diagnostics } = parseSource(file, text);
  if (diagnostics.length > 0) throw invalid(file, diagnostics);
  const contents = source.doc.contents;
  if (contents === null) return new Map();
  if (!isYamlMap(contents)) {
    throw invalid(file, [
      {
        file: displayPath(file),
        line: 1,
        column: 1,
        path: '',
        message: 'expected a map of secret name to value',
      },
    ]);
  }
  const values = new Map<string, string>();
  const problems: Diagnostic[] = [];
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const at = source.lineCounter.linePos((pair.key as { range?: number[] } | null)?.range?.[0] ?? 0);
    if (
      key !== undefined &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      values.set(key, String(value));
    } else {
      problems.push({
        file: displayPath(file),
        line: at.line,
        column: at.col,
        path: key ?? '',
        message:
          key === undefined ? 'secret names must be plain strings' : `secret "${key}" must be a string value`,
      });
    }
  }
  if (problems.length > 0) throw invalid(file, problems);
  return values;
}

function parseDotenv(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  const problems: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = DOTENV_LINE.exec(line);
    const value = match ? dotenvValue(match[2]!.trim()) : undefined;
    if (!match || value === undefined) {
      problems.push({
        file: displayPath(file),
        line: index + 1,
        column: 1,
        path: '',
        message: match ? `unterminated quoted value for "${match[1]}"` : 'expected NAME=value',
      });
      return;
    }
    values.set(match[1]!, value);
  });
  if (problems.length > 0) throw invalid(file, problems);
  return values;
}

function dotenvValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    let end = 1;
    while (end < raw.length && raw[end] !== quote) end += quote === '"' && raw[end] === '\\' ? 2 : 1;
    if (end >= raw.length) return undefined;
    const inner = raw.slice(1, end);
    return quote === '"' ? inner.replace(/\\([nrt"\\])/g, (_, c: string) => ESCAPES[c] ?? c) : inner;
  }
  const comment = raw.search(/\s#/);
  return (comment < 0 ? raw : raw.slice(0, comment)).trim();
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function invalid(file: string, diagnostics: Diagnostic[]): InputError {
  const lines = diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
  return new InputError(
    'secrets.invalid',
    `invalid secrets file ${displayPath(file)}:\n${lines.join('\n')}`,
    diagnostics,
  );
}
