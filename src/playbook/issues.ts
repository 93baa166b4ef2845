import type { z } from 'zod';
import { type DocPath, formatPath, type Problem } from './path.js';
import { closest, didYouMean } from './suggest.js';
import { allowedKeysAt } from './zod-walk.js';

type Issue = z.core.$ZodIssue;

interface Context {
  /** The schema `data` was validated with. */
  schema: z.ZodType;
  data: unknown;
  /** Path of `data` in the whole document. */
  prefix: DocPath;
}

// Values under these keys may be credentials: never echo them back.
const SENSITIVE = /auth|token|secret|password|passphrase|key|credential|notifier|header|cookie/i;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** "a list", "a map", "true", "a string", ... for "got ..." in messages. */
function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return typeof value;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    case 'boolean':
      return 'true or false';
    case 'int':
      return 'an integer';
    case 'undefined':
    case 'never':
      return 'nothing here';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

/** Shows a user's value in a message unless it may be a credential. */
function quoted(value: unknown, path: DocPath): string {
  if (path.some((k) => typeof k === 'string' && SENSITIVE.test(k))) return '';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length <= 80 ? text : '';
}

function where(path: DocPath): string {
  return path.length === 0 ? ' at the top level' : ` in ${formatPath(path)}`;
}

/** Turns zod issues into readable problems, one per issue, each with the path of the offending node. */
export function issuesToProblems(issues: readonly Issue[], ctx: Context): Problem[] {
  return issues.flatMap((issue) => convert(issue, [], ctx));
}

function convert(issue: Issue, base: readonly PropertyKey[], ctx: Context): Problem[] {
  const rel = [...base, ...issue.path];
  const path: DocPath = [...ctx.prefix, ...(rel as (string | number)[])];
  const value = valueAt(ctx.data, rel);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        return [{ path, message: `missing required key "${String(path.at(-1))}"${where(parent)}` }];
      }
      const got = typeof value === 'number' && !quoted(value, path) ? 'a number' : describeValue(value);
      const message = `expected ${describeExpected(issue.expected)}, got ${got}`;
      // YAML reads 3.2, 1.0 or yes as numbers and booleans: quoting is the usual fix.
      if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
        const shown = quoted(value, path);
        return [
          {
            path,
            message,
            hint: shown ? `quote it to make it a string: "${shown}"` : 'quote it to make it a string',
          },
        ];
      }
      return [{ path, message }];
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(ctx.schema, rel as (string | number)[], ctx.data);
      return issue.keys.map((key) => ({
        path: [...path, key],
        at: 'key' as const,
        message: `unknown key "${key}"${where(path)}`,
        hint:
          didYouMean(key, allowed) ??
          (allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : 'no keys are allowed here'),
      }));
    }
    case 'invalid_union':
      return convertUnion(issue, rel, path, value, ctx);
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const got = quoted(value, path);
      const message =
        options.length === 1
          ? `expected ${options[0]}${got ? `, got ${got}` : ''}`
          : `expected one of ${options.join(', ')}${got ? `, got ${got}` : ''}`;
      const hint =
        typeof value === 'string'
          ? didYouMean(
              value,
              issue.values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return [hint ? { path, message, hint } : { path, message }];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small
        ? (issue as { minimum: number | bigint }).minimum
        : (issue as { maximum: number | bigint }).maximum;
      if (small && issue.origin === 'string' && Number(limit) === 1)
        return [{ path, message: 'must not be empty' }];
      if (small && issue.origin === 'array' && Number(limit) === 1)
        return [{ path, message: 'needs at least one item' }];
      const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      const bound = small
        ? issue.inclusive === false
          ? 'more than'
          : 'at least'
        : issue.inclusive === false
          ? 'less than'
          : 'at most';
      return [{ path, message: `must be ${bound} ${String(limit)}${unit}` }];
    }
    case 'invalid_format': {
      const got = quoted(value, path);
      const own = !issue.message.startsWith('Invalid');
      const message = own ? issue.message : `invalid ${issue.format}`;
      const pattern = issue.format === 'regex' && !own ? ` (must match ${issue.pattern})` : '';
      return [{ path, message: `${message}${pattern}${got ? `, got ${got}` : ''}` }];
    }
    case 'invalid_key':
      return issue.issues.flatMap((inner) =>
        convert({ ...inner, path: [] }, rel, ctx).map((p) => ({
          ...p,
          at: 'key' as const,
          message: `key ${p.message}`,
        })),
      );
    case 'invalid_element':
      return issue.issues.flatMap((inner) => convert({ ...inner, path: [] }, rel, ctx));
    default:
      return [{ path, message: issue.message }];
  }
}

function convertUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  rel: readonly PropertyKey[],
  path: DocPath,
  value: unknown,
  ctx: Context,
): Problem[] {
  const note = issue as { note?: string; discriminator?: string; options?: unknown[] };
  if (note.note === 'No matching discriminator' || issue.errors.length === 0) {
    // zod puts the discriminator key at the end of the path already.
    const options = (note.options ?? []).map(String);
    const key = note.discriminator ?? String(path.at(-1) ?? 'value');
    const owner = path.at(-2);
    const name = typeof owner === 'string' ? `${owner} ${key}` : key;
    if (value === undefined) {
      return [
        {
          path,
          message: `missing required key "${key}"${where(path.slice(0, -1))}`,
          hint: `one of: ${options.join(', ')}`,
        },
      ];
    }
    const hint = typeof value === 'string' ? closest(value, options) : undefined;
    const got = quoted(value, []);
    return [
      {
        path,
        message: `unknown ${name} ${got || describeValue(value)}; expected one of: ${options.join(', ')}`,
        ...(hint ? { hint: `did you mean ${hint}?` } : {}),
      },
    ];
  }
  // Branches that failed on the value's type at the union itself are the wrong branch; of the rest,
  // the one with fewest issues is the one the author most likely meant.
  const candidates = issue.errors.filter(
    (branch) =>
      !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
  );
  if (candidates.length > 0) {
    const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((inner) => convert(inner, rel, ctx));
  }
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    for (const i of branch) {
      if (i.path.length !== 0) continue;
      if (i.code === 'invalid_type') expected.add(describeExpected(i.expected));
      if (i.code === 'invalid_value') for (const v of i.values) expected.add(JSON.stringify(v));
      if (i.code === 'invalid_format') expected.add(i.message);
    }
  }
  const list = [...expected];
  const text =
    list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? 'another value');
  return [{ path, message: `expected ${text}, got ${describeValue(value)}` }];
}
