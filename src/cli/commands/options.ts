import { InputError } from '../../core/errors.js';

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError('cli.bad-number', `"${value}" is not a positive integer`);
  return n;
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError('cli.bad-seed', `seed "${value}" is not a non-negative integer`);
  return n;
}

/** Parses "Name: value" header flags. */
export function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of values) {
    const at = raw.indexOf(':');
    const name = at > 0 ? raw.slice(0, at).trim() : '';
    if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(name)) {
      throw new InputError('cli.bad-header', `--header "${raw.split(':')[0]}…" is not "Name: value"`);
    }
    headers[name] = raw.slice(at + 1).trim();
  }
  return headers;
}

/** A seed for a run not given one (printed with the run, so it can be repeated with --seed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
