// Compares one request's responses from two environments: status, headers, API version and body shape.
// Pure: the drift check sends the requests and adds operation, curl and evidence to what this returns.
import type { Finding } from '../../core/result.js';
import { compareShapes } from './shape.js';

/** One environment's response to the request, as compared. */
export interface Side {
  /** Environment name, for messages. */
  name: string;
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface CompareOptions {
  /** Lower-case header names to compare. */
  headers: readonly string[];
  /** Compare these headers' values too, not only their presence (content-type is always compared by media type). */
  compareValues: boolean;
}

/** A finding without where it came from (operation, curl, evidence): the caller adds those. */
export type Difference = Pick<
  Finding,
  'code' | 'severity' | 'message' | 'pointer' | 'expected' | 'actual' | 'hint'
>;

/** Headers in which APIs commonly announce their version. */
export const VERSION_HEADERS: readonly string[] = ['api-version', 'x-api-version'];

const HINTS = {
  status:
    'Deploy the same API version to both environments, and make sure the data the request uses (ids from examples) exists in both.',
  shape:
    'The environments serve different response shapes: deploy the same version to both, or document the difference for partners.',
  header:
    'Configure both environments alike (gateway, proxies, middleware), or leave this header out of `headers` if it differs on purpose.',
  version: 'The environments report different API versions: partners who test in one will meet the other.',
} as const;

/**
 * Differences between the response of the check's environment (`here`, the expected side) and the other's.
 * A different status says it all: headers and bodies of different statuses are not compared.
 */
export function compareResponses(here: Side, other: Side, options: CompareOptions): Difference[] {
  const where = `in ${here.name} but`;
  if (here.status !== other.status) {
    return [
      {
        code: 'drift.status',
        severity: 'error',
        message: `answered ${here.status} ${where} ${other.status} in ${other.name}`,
        pointer: 'status',
        expected: String(here.status),
        actual: String(other.status),
        hint: HINTS.status,
      },
    ];
  }
  return [
    ...versionDifferences(here, other),
    ...headerDifferences(here, other, options),
    ...shapeDifferences(here, other),
  ];
}

function headerDifferences(here: Side, other: Side, options: CompareOptions): Difference[] {
  const out: Difference[] = [];
  for (const name of new Set(options.headers.map((h) => h.toLowerCase()))) {
    if (VERSION_HEADERS.includes(name)) continue;
    const a = here.headers[name];
    const b = other.headers[name];
    if (a === undefined && b === undefined) continue;
    const normal = name === 'content-type' ? mediaType : (v: string) => v.trim();
    const differs =
      a === undefined ||
      b === undefined ||
      ((name === 'content-type' || options.compareValues) && normal(a) !== normal(b));
    if (!differs) continue;
    const shown = (v: string | undefined) => (v === undefined ? 'absent' : normal(v));
    out.push({
      code: 'drift.header',
      severity: 'warning',
      message: `header ${name} is ${quoted(shown(a))} in ${here.name} but ${quoted(shown(b))} in ${other.name}`,
      pointer: `header:${name}`,
      expected: shown(a),
      actual: shown(b),
      hint: HINTS.header,
    });
  }
  return out;
}

function versionDifferences(here: Side, other: Side): Difference[] {
  const out: Difference[] = [];
  for (const name of VERSION_HEADERS) {
    const a = here.headers[name];
    const b = other.headers[name];
    if (a === undefined || b === undefined || a.trim() === b.trim()) continue;
    out.push(versionFinding(here, other, `header:${name}`, a.trim(), b.trim()));
  }
  const a = bodyVersion(here.body);
  const b = bodyVersion(other.body);
  if (a !== undefined && b !== undefined && a !== b) out.push(versionFinding(here, other, '/version', a, b));
  return out;
}

function versionFinding(here: Side, other: Side, pointer: string, a: string, b: string): Difference {
  return {
    code: 'drift.version',
    severity: 'warning',
    message: `API version ${a} in ${here.name} but ${b} in ${other.name} (${pointer})`,
    pointer,
    expected: a,
    actual: b,
    hint: HINTS.version,
  };
}

function shapeDifferences(here: Side, other: Side): Difference[] {
  const a = parseJson(here.body);
  const b = parseJson(other.body);
  // Neither is JSON: there is no shape to compare (the content-type comparison speaks for the rest).
  if (a.kind !== 'json' && b.kind !== 'json') return [];
  if (a.kind !== 'json' || b.kind !== 'json') {
    const describe = (p: Parsed) => (p.kind === 'json' ? 'JSON' : p.kind);
    return [shapeFinding(here, other, '', describe(a), describe(b))];
  }
  return compareShapes(a.value, b.value).map((d) =>
    shapeFinding(here, other, d.pointer, d.expected, d.actual),
  );
}

function shapeFinding(
  here: Side,
  other: Side,
  pointer: string,
  expected: string,
  actual: string,
): Difference {
  const what = pointer === '' ? 'the body' : pointer;
  return {
    code: 'drift.shape',
    severity: 'error',
    message: `${what} is ${article(expected)} in ${here.name} but ${article(actual)} in ${other.name}`,
    pointer,
    expected,
    actual,
    hint: HINTS.shape,
  };
}

type Parsed = { kind: 'json'; value: unknown } | { kind: 'empty' } | { kind: 'not JSON' };

function parseJson(text: string): Parsed {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'not JSON' };
  }
}

/** The body's top-level `version` when it is a string or a number (a health or info endpoint's). */
function bodyVersion(text: string): string | undefined {
  const parsed = parseJson(text);
  if (parsed.kind !== 'json' || parsed.value === null || typeof parsed.value !== 'object') return undefined;
  const version = (parsed.value as Record<string, unknown>).version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
}

/** "application/json; charset=utf-8" → "application/json". */
export function mediaType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function article(word: string): string {
  if (word === 'absent' || word === 'null' || word === 'empty' || word === 'not JSON' || word === 'JSON')
    return word;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function quoted(value: string): string {
  return value === 'absent' ? value : `"${value}"`;
}
