import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { TargetEnvironment } from '../checks/kind.js';
import { parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import type { ResolvedAuth, ResolvedTls } from '../http/types.js';
import { type ReferenceResolver, resolveValue } from '../playbook/references.js';
import type { Environment, Playbook } from '../playbook/schema.js';

const PLAIN_HEADERS =
  /^(accept|accept-language|accept-encoding|content-type|content-language|user-agent|cache-control|prefer|x-request-id|x-correlation-id)$/i;

/** What a run needs to talk to one environment. */
export interface PreparedTarget {
  environment: TargetEnvironment;
  http: HttpClient;
  redactor: Redactor;
}

export interface PrepareOptions {
  resolver: ReferenceResolver;
  version: string;
  /** Extra headers from the command line ("Name: value"), treated as secrets in evidence. */
  headers?: Record<string, string>;
  /** DNS lookup for every connection (the service's outbound address guard). */
  lookup?: LookupFunction;
  /** False in the service: TLS material must be the PEM itself, never a path on the server (default true). */
  allowFiles?: boolean;
}

/** Resolves an environment's references (registering every secret with the redactor) and builds its client. */
export async function prepareTarget(
  playbook: Playbook,
  name: string,
  options: PrepareOptions,
): Promise<PreparedTarget> {
  const declared = playbook.environments[name];
  if (!declared) {
    const known = Object.keys(playbook.environments).join(', ') || 'none';
    throw new InputError(
      'cli.unknown-environment',
      `environment "${name}" is not in the playbook (known: ${known})`,
    );
  }
  const redactor = new Redactor({
    headers: playbook.redact?.headers ?? [],
    fields: playbook.redact?.fields ?? [],
  });
  const resolved = resolveValue<Environment>(declared, options.resolver);
  // Values behind ${env.*} in auth and TLS blocks are credentials too.
  for (const value of resolved.secrets) redactor.addSecret(value);
  const authEnv = resolveValue({ auth: declared.auth, tls: declared.tls }, options.resolver);
  for (const value of authEnv.envValues) redactor.addSecret(value);
  const env = resolved.value;
  const tls = env.tls ? await readTls(env.tls, playbook.baseDir, options.allowFiles ?? true) : undefined;
  return build(name, env, tls, redactor, options);
}

/**
 * An environment's TLS settings with references resolved and files read (undefined when it declares
 * none): for what talks to the environment outside a check — a drill's fault proxy and fault switch.
 */
export async function environmentTls(
  playbook: Playbook,
  name: string,
  resolver: ReferenceResolver,
  allowFiles = true,
): Promise<ResolvedTls | undefined> {
  const declared = playbook.environments[name]?.tls;
  if (!declared) return undefined;
  return readTls(resolveValue(declared, resolver).value, playbook.baseDir, allowFiles);
}

/** A target for `gangway contract`: a base URL and headers, no playbook. */
export function adhocTarget(
  baseUrl: string,
  options: { headers: Record<string, string>; insecure: boolean; version: string },
): PreparedTarget {
  const redactor = new Redactor({});
  const env: Environment = { baseUrl, production: false, headers: options.headers };
  return build('cli', env, options.insecure ? { insecure: true } : undefined, redactor, options);
}

function build(
  name: string,
  env: Environment,
  tls: ResolvedTls | undefined,
  redactor: Redactor,
  options: { version: string; headers?: Record<string, string>; lookup?: LookupFunction },
): PreparedTarget {
  try {
    new URL(env.baseUrl);
  } catch {
    throw new InputError(
      'cli.bad-base-url',
      `base URL of environment "${name}" is not an absolute URL: ${env.baseUrl}`,
    );
  }
  const headers = { ...env.headers, ...options.headers };
  // Headers given on the command line usually carry credentials under names we cannot guess (X-Auth,
  // X-Partner-Signature...): every value is treated as a secret unless the header is plainly not one.
  for (const [header, value] of Object.entries(options.headers ?? {})) {
    if (PLAIN_HEADERS.test(header)) continue;
    redactor.addSecret(value);
    const credential = value.replace(/^[\w-]+\s+/, '');
    if (credential !== value) redactor.addSecret(credential);
  }
  const auth: ResolvedAuth = (env.auth as ResolvedAuth | undefined) ?? { type: 'none' };
  const timeout = env.timeout ? parseDuration(env.timeout) : undefined;
  const http = new HttpClient({
    baseUrl: env.baseUrl,
    auth,
    ...(tls && { tls }),
    headers,
    redactor,
    version: options.version,
    ...(options.lookup && { lookup: options.lookup }),
    // Checks judge a 3xx against the spec themselves; following it could lead anywhere the target
    // points, outside the environments the playbook declares.
    limits: {
      maxRedirects: 0,
      ...(timeout !== undefined && { headersTimeoutMs: timeout, totalTimeoutMs: Math.max(timeout, 30_000) }),
    },
  });
  return {
    environment: {
      name,
      baseUrl: env.baseUrl,
      production: env.production,
      auth,
      ...(tls && { tls }),
      variables: env.variables ?? {},
      headerNames: Object.keys(headers),
    },
    http,
    redactor,
  };
}

async function readTls(
  tls: NonNullable<Environment['tls']>,
  baseDir: string,
  allowFiles: boolean,
): Promise<ResolvedTls> {
  const read = async (path: string | undefined, what: string) => {
    if (!path) return undefined;
    // Inline PEM (the service keeps certificates in its secret store, not in files).
    if (path.trimStart().startsWith('-----BEGIN')) return path;
    if (!allowFiles) {
      throw new InputError(
        'playbook.tls-file',
        `the TLS ${what} must be the PEM itself here, not a file name`,
      );
    }
    const file = isAbsolute(path) ? path : resolve(baseDir, path);
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new InputError('playbook.tls-file', `cannot read the TLS ${what} file ${file}`);
    }
  };
  const [ca, cert, key] = await Promise.all([
    read(tls.ca, 'CA'),
    read(tls.cert, 'certificate'),
    read(tls.key, 'key'),
  ]);
  return {
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(tls.passphrase && { passphrase: tls.passphrase }),
    insecure: tls.insecure,
  };
}

/** A client with no base URL and no auth, for stages that name no environment. */
export function detachedClient(version: string): Pick<PreparedTarget, 'http' | 'redactor'> {
  const redactor = new Redactor({});
  return { http: new HttpClient({ redactor, version }), redactor };
}
