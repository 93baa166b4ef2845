import type { Bound, SchemaView } from './schema-view.js';
import type { ChangeDirection, SchemaChange } from './types.js';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
const showBound = (b: Bound | undefined): string =>
  b === undefined ? 'none' : `${b.value}${b.exclusive ? ' (exclusive)' : ''}`;

/** Formats where the second accepts every value of the first. */
const WIDER_FORMAT: Record<string, string> = { int32: 'int64', float: 'double' };
const NEUTRAL_FORMATS = new Set(['int64', 'double']);

/** Keyword-level changes of one schema (type, null, enum, bounds, lengths, pattern, format, additionalProperties). */
export function compareKeywords(a: SchemaView, b: SchemaView, direction: ChangeDirection): SchemaChange[] {
  const out: SchemaChange[] = [];
  const add = (code: string, detail: string) => out.push({ code, path: '', detail });
  const request = direction === 'request';
  const relaxed = request ? 'request.constraint-relaxed' : undefined;
  const widened = request ? undefined : 'response.constraint-widened';

  // Types: a request loses a type it accepted, or a response gains one clients never saw.
  if (a.variants === undefined && b.variants === undefined) {
    const lost = request ? missing(a.types, b.types) : missing(b.types, a.types);
    if (lost !== undefined) {
      add(
        request ? 'request.type-changed' : 'response.type-changed',
        `type changed from ${showTypes(a.types)} to ${showTypes(b.types)}`,
      );
    }
  }
  if (request && a.nullable && !b.nullable) add('request.nullable-removed', 'null is no longer accepted');
  if (!request && !a.nullable && b.nullable) add('response.nullable-added', 'may now be null');
  if (request && !a.nullable && b.nullable) add('request.constraint-relaxed', 'null is now accepted');

  compareEnum(a.enum, b.enum, request, add);

  // Bounds: narrower in a request breaks senders; wider in a response surprises readers.
  const upper = compareBound(a.upper, b.upper, 'upper');
  const lower = compareBound(a.lower, b.lower, 'lower');
  const pairs: [number, string, string, string, string][] = [
    [upper, 'maximum', 'request.max-decreased', 'lowered', 'raised'],
    [lower, 'minimum', 'request.min-increased', 'raised', 'lowered'],
  ];
  for (const [cmp, name, code, tighter, looser] of pairs) {
    if (cmp === 0) continue;
    const [from, to] = name === 'maximum' ? [a.upper, b.upper] : [a.lower, b.lower];
    const verb = from === undefined ? 'added' : to === undefined ? 'removed' : cmp > 0 ? tighter : looser;
    const detail = `${name} ${verb}: ${showBound(from)} → ${showBound(to)}`;
    if (request) add(cmp > 0 ? code : 'request.constraint-relaxed', detail);
    else if (cmp < 0) add('response.constraint-widened', detail); // a narrower response bound is harmless
  }
  const limits: ['maxLength' | 'maxItems' | 'minLength' | 'minItems', string, 1 | -1][] = [
    ['maxLength', 'request.max-length-decreased', 1],
    ['minLength', 'request.min-length-increased', -1],
    ['maxItems', 'request.max-items-decreased', 1],
    ['minItems', 'request.min-items-increased', -1],
  ];
  for (const [key, code, sign] of limits) {
    const from = a[key];
    const to = b[key];
    if (from === to) continue;
    // Narrowed: a max appears or goes down, a min appears or goes up.
    const narrowed =
      sign === 1
        ? to !== undefined && (from === undefined || to < from)
        : to !== undefined && (from === undefined || to > from);
    const verb =
      from === undefined ? 'added' : to === undefined ? 'removed' : to < from ? 'lowered' : 'raised';
    const detail = `${key} ${verb}: ${from ?? 'none'} → ${to ?? 'none'}`;
    if (narrowed && request) add(code, detail);
    else if (!narrowed && relaxed) add(relaxed, detail);
    else if (!narrowed && widened) add(widened, detail);
  }
  if (a.pattern !== b.pattern) {
    const detail =
      a.pattern === undefined
        ? `pattern ${show(b.pattern)} added`
        : b.pattern === undefined
          ? `pattern ${show(a.pattern)} removed`
          : `pattern changed from ${show(a.pattern)} to ${show(b.pattern)}`;
    if (request)
      add(b.pattern === undefined ? 'request.constraint-relaxed' : 'request.pattern-changed', detail);
    else if (a.pattern !== undefined) add('response.constraint-widened', detail);
  }
  // int64 and double are every JSON integer and number in practice: adding or dropping them narrows nothing.
  const neutral = (f: string | undefined) => f === undefined || NEUTRAL_FORMATS.has(f);
  if (a.format !== b.format && !(neutral(a.format) && neutral(b.format))) {
    const widerFormat =
      a.format !== undefined && (b.format === undefined || WIDER_FORMAT[a.format] === b.format);
    const detail = `format changed from ${a.format ?? 'none'} to ${b.format ?? 'none'}`;
    if (request) add(widerFormat ? 'request.constraint-relaxed' : 'request.format-changed', detail);
    else if (a.format !== undefined) add('response.constraint-widened', detail);
  }
  if (request && a.additionalProperties !== false && b.additionalProperties === false) {
    add(
      'request.additional-properties-restricted',
      'additionalProperties: false added: extra properties are refused',
    );
  }
  return out;
}

/** The first type of `from` that `to` does not accept (integer fits in number); undefined: none. */
function missing(from: Set<string> | undefined, to: Set<string> | undefined): string | undefined {
  if (to === undefined) return undefined; // any type accepted
  if (from === undefined) return to.size > 0 ? '*' : undefined;
  for (const t of from) if (!to.has(t) && !(t === 'integer' && to.has('number'))) return t;
  return undefined;
}

const showTypes = (types: Set<string> | undefined): string =>
  types === undefined ? 'any' : [...types].join('|') || 'any';

/** >0: the new bound is narrower (or new); <0: wider (or gone); 0: same. */
function compareBound(from: Bound | undefined, to: Bound | undefined, side: 'upper' | 'lower'): number {
  if (from === undefined && to === undefined) return 0;
  if (from === undefined) return 1;
  if (to === undefined) return -1;
  if (from.value === to.value) return from.exclusive === to.exclusive ? 0 : to.exclusive ? 1 : -1;
  const narrower = side === 'upper' ? to.value < from.value : to.value > from.value;
  return narrower ? 1 : -1;
}

function compareEnum(
  from: unknown[] | undefined,
  to: unknown[] | undefined,
  request: boolean,
  add: (code: string, detail: string) => void,
): void {
  if (from === undefined && to === undefined) return;
  if (from === undefined) {
    if (request) add('request.enum-value-removed', `enum ${show(to)} added: other values are refused`);
    return;
  }
  if (to === undefined) {
    if (request) add('request.constraint-relaxed', 'enum removed');
    else add('response.constraint-widened', 'enum removed: any value may be sent');
    return;
  }
  const before = new Set(from.map(show));
  const after = new Set(to.map(show));
  const removed = [...before].filter((v) => !after.has(v));
  const added = [...after].filter((v) => !before.has(v));
  if (removed.length > 0) {
    add(
      request ? 'request.enum-value-removed' : 'response.enum-value-removed',
      `enum value(s) ${removed.join(', ')} removed`,
    );
  }
  if (added.length > 0) {
    add(
      request ? 'request.enum-value-added' : 'response.enum-value-added',
      `enum value(s) ${added.join(', ')} added`,
    );
  }
}
