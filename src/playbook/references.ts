// biome-ignore-all lint/suspicious/noTemplateCurlyInString: this module is about ${...} references.
import { InputError } from '../core/errors.js';
import { type DocPath, formatPath, type PathKey, type Problem } from './path.js';
import type { Playbook } from './schema.js';
import { didYouMean } from './suggest.js';

export type ReferenceKind = 'env' | 'secret';

export const SECRET_ENV_PREFIX = 'GANGWAY_SECRET_';

/** A secret name upper-cased, every character other than a letter or digit turned into _. */
export function normaliseSecretName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The environment variable holding a secret: GANGWAY_SECRET_ + the normalised name. */
export function secretEnvName(name: string): string {
  return SECRET_ENV_PREFIX + normaliseSecretName(name);
}

/** A `${env.NAME}` or `${secret.name}` found in a string. */
export interface Reference {
  kind: ReferenceKind;
  name: string;
  /** Offsets of `${` and of the character after `}` in the string. */
  start: number;
  end: number;
}

/** A reference found in a playbook, with the path of the string holding it. */
export interface PlaybookReference {
  kind: ReferenceKind;
  name: string;
  path: string;
}

/** Looks up reference values at run time. */
export interface ReferenceResolver {
  env(name: string): string | undefined;
  secret(name: string): string | undefined;
}

/** A resolved string and the values it used, so the caller can register them with the redactor. */
export interface Resolved<T = string> {
  value: T;
  /** Values of the ${secret.*} references used. */
  secrets: string[];
  /** Values of the ${env.*} references used (secrets too when they sit in auth fields: the caller decides). */
  envValues: string[];
}

interface ScanError {
  offset: number;
  message: string;
  hint?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const LITERAL_HINT = 'write $${ for a literal ${';

function shown(inner: string): string {
  return inner.length > 40 ? `${inner.slice(0, 40)}…` : inner;
}

function classify(inner: string): Omit<ScanError, 'offset'> | ReferenceKind {
  const dot = inner.indexOf('.');
  const namespace = dot < 0 ? inner : inner.slice(0, dot);
  const name = dot < 0 ? '' : inner.slice(dot + 1);
  if (namespace === 'env' || namespace === 'secret') {
    if (name === '')
      return { message: `reference "\${${inner}}" has no name`, hint: `write \${${namespace}.NAME}` };
    if (!NAME.test(name))
      return {
        message: `invalid name "${shown(name)}" in reference "\${${namespace}.…}"`,
        hint: 'names start with a letter or _ and use letters, digits, _, . and -',
      };
    return namespace;
  }
  if (inner.trim() === '') return { message: 'empty reference "${}"', hint: LITERAL_HINT };
  if (dot < 0 || inner.trim() !== inner)
    return {
      message: `"\${${shown(inner)}}" is not a reference`,
      hint: `write \${env.NAME} or \${secret.name}; ${LITERAL_HINT}`,
    };
  return {
    message: `unknown reference namespace "${shown(namespace)}" in "\${${shown(inner)}}"`,
    hint: didYouMean(namespace, ['env', 'secret']) ?? `use \${env.NAME} or \${secret.name}; ${LITERAL_HINT}`,
  };
}

/** Finds the references and the malformed ones in a string; `$${` is a literal `${`. */
export function scanReferences(text: string): { references: Reference[]; errors: ScanError[] } {
  const references: Reference[] = [];
  const errors: ScanError[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      i += 3;
    } else if (text.startsWith('${', i)) {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        errors.push({ offset: i, message: 'unclosed reference: "${" without "}"', hint: LITERAL_HINT });
        break;
      }
      const inner = text.slice(i + 2, close);
      const kind = classify(inner);
      if (typeof kind === 'string') {
        references.push({ kind, name: inner.slice(kind.length + 1), start: i, end: close + 1 });
      } else {
        errors.push({ offset: i, ...kind });
      }
      i = close + 1;
    } else {
      i++;
    }
  }
  return { references, errors };
}

function walkStrings(value: unknown, path: PathKey[], visit: (text: string, path: DocPath) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walkStrings(item, [...path, i], visit);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

/** Reports every malformed reference in a raw document as a problem at its string. */
export function findReferenceProblems(raw: unknown, problems: Problem[]): void {
  walkStrings(raw, [], (text, path) => {
    for (const error of scanReferences(text).errors) {
      problems.push({
        path,
        offset: error.offset,
        message: `malformed reference: ${error.message}`,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
  });
}

/** Every ${env.*} and ${secret.*} reference in a loaded playbook, with where it is. */
export function listReferences(playbook: Playbook): PlaybookReference[] {
  const out: PlaybookReference[] = [];
  const { file: _file, baseDir: _baseDir, ...content } = playbook;
  walkStrings(content, [], (text, path) => {
    for (const ref of scanReferences(text).references)
      out.push({ kind: ref.kind, name: ref.name, path: formatPath(path) });
  });
  return out;
}

/**
 * Replaces the references in a string with their values. Errors name the missing reference and how
 * to provide it, never a value.
 */
export function resolveString(text: string, resolver: ReferenceResolver): Resolved {
  const { references, errors } = scanReferences(text);
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new InputError('reference.invalid', `${first.message}${first.hint ? ` (${first.hint})` : ''}`);
  }
  const secrets: string[] = [];
  const envValues: string[] = [];
  let value = '';
  let last = 0;
  for (const ref of references) {
    value += unescapeLiteral(text.slice(last, ref.start));
    const resolved = ref.kind === 'env' ? resolver.env(ref.name) : resolver.secret(ref.name);
    if (resolved === undefined) {
      throw new InputError(
        'reference.unresolved',
        ref.kind === 'env'
          ? `environment variable "${ref.name}" is not set`
          : `secret "${ref.name}" is not set: set ${secretEnvName(ref.name)} or add it to the secrets file`,
      );
    }
    (ref.kind === 'env' ? envValues : secrets).push(resolved);
    value += resolved;
    last = ref.end;
  }
  value += unescapeLiteral(text.slice(last));
  return { value, secrets, envValues };
}

function unescapeLiteral(literal: string): string {
  return literal.replaceAll('$${', '${');
}

/** Resolves every string inside a value (an auth block, headers, options), keeping its shape. */
export function resolveValue<T>(input: T, resolver: ReferenceResolver): Resolved<T> {
  const secrets: string[] = [];
  const envValues: string[] = [];
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const r = resolveString(value, resolver);
      secrets.push(...r.secrets);
      envValues.push(...r.envValues);
      return r.value;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    return value;
  };
  return { value: visit(input) as T, secrets, envValues };
}
