import type { ErrorObject } from 'ajv/dist/2020.js';
import { escapeToken, isObject } from './pointer.js';
import { HIDDEN_MARK, type Origins } from './schema-convert.js';
import type { SpecIssue } from './types.js';

/** Describes a seen value in a few words: `number 12`, `string "abc"`, `array of 3 items`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

interface Shaped {
  pointer: string;
  expected: string;
  actual: string;
  message?: string;
}

/** Keywords whose complaint stays meaningful whatever the value's type. */
const TYPE_INDEPENDENT = new Set(['enum', 'const', 'anyOf', 'oneOf', 'not', 'false schema']);

/** Turns ajv errors into one readable issue per distinct problem (alternatives collapsed). */
export function ajvIssues(errors: readonly ErrorObject[], origins: Origins, prefix: string): SpecIssue[] {
  const consumed = new Set<number>();
  const branchOf = new Map<number, ErrorObject[]>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i] as ErrorObject;
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    // ajv reports the failing branches' errors just before the anyOf/oneOf error itself.
    const branch: ErrorObject[] = [];
    for (let j = i - 1; j >= 0 && !consumed.has(j); j--) {
      const b = errors[j] as ErrorObject;
      const inside = b.instancePath === e.instancePath || b.instancePath.startsWith(`${e.instancePath}/`);
      const viaPath = b.schemaPath.startsWith(`${e.schemaPath}/`);
      if (!viaPath && (!inside || b.parentSchema === e.parentSchema)) break;
      consumed.add(j);
      branch.unshift(b);
    }
    branchOf.set(i, branch);
  }
  // When the type is wrong, other complaints about the same value (format, bounds) are noise.
  const wrongType = new Set<string>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i] as ErrorObject;
    if (!consumed.has(i) && e.keyword === 'type') wrongType.add(e.instancePath);
  }
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i] as ErrorObject;
    if (consumed.has(i) || e.keyword === 'if') continue;
    if (e.keyword !== 'type' && wrongType.has(e.instancePath) && !TYPE_INDEPENDENT.has(e.keyword)) continue;
    const shaped = shape(e, branchOf.get(i) ?? []);
    const pointer = prefix + shaped.pointer;
    const key = `${pointer}\u0000${shaped.expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = pointer === '' ? '/' : pointer;
    const origin = e.parentSchema ? origins.get(e.parentSchema) : undefined;
    issues.push({
      code: 'body.schema',
      message: shaped.message
        ? `${shaped.message} at ${where}`
        : `expected ${shaped.expected}, got ${shaped.actual} at ${where}`,
      pointer,
      expected: shaped.expected,
      actual: shaped.actual,
      schemaPath: origin !== undefined ? `${origin}/${e.keyword}` : e.schemaPath,
    });
  }
  return issues;
}

function shape(e: ErrorObject, branch: readonly ErrorObject[]): Shaped {
  const p = e.params as Record<string, unknown>;
  const data: unknown = e.data;
  const pointer = e.instancePath;
  const actual = describeValue(data);
  switch (e.keyword) {
    case 'type':
      return { pointer, expected: String(p.type).split(',').join(' or '), actual };
    case 'required': {
      const name = String(p.missingProperty);
      return {
        pointer: `${pointer}/${escapeToken(name)}`,
        expected: `required property '${name}'`,
        actual: 'nothing',
        message: `missing required property '${name}'`,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty);
      return {
        pointer: `${pointer}/${escapeToken(name)}`,
        expected: `no property '${name}' (${e.keyword} is false)`,
        actual: `property '${name}'`,
        message: `unexpected property '${name}'`,
      };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const list = allowed.slice(0, 10).map(short).join(', ') + (allowed.length > 10 ? ', …' : '');
      return { pointer, expected: `one of ${list}`, actual };
    }
    case 'const':
      return { pointer, expected: `constant ${short(p.allowedValue)}`, actual };
    case 'format':
      return { pointer, expected: `format ${String(p.format)}`, actual };
    case 'pattern':
      return { pointer, expected: `pattern ${String(p.pattern)}`, actual };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer, expected: `number ${String(p.comparison)} ${String(p.limit)}`, actual };
    case 'multipleOf':
      return { pointer, expected: `multiple of ${String(p.multipleOf)}`, actual };
    case 'minLength':
    case 'maxLength':
      return {
        pointer,
        expected: `length ${e.keyword === 'minLength' ? '>=' : '<='} ${String(p.limit)}`,
        actual: typeof data === 'string' ? `string of length ${data.length}` : actual,
      };
    case 'minItems':
    case 'maxItems':
      return {
        pointer,
        expected: `${e.keyword === 'minItems' ? '>=' : '<='} ${String(p.limit)} items`,
        actual,
      };
    case 'minProperties':
    case 'maxProperties':
      return {
        pointer,
        expected: `${e.keyword === 'minProperties' ? '>=' : '<='} ${String(p.limit)} properties`,
        actual: typeof data === 'object' && data !== null ? `${Object.keys(data).length} properties` : actual,
      };
    case 'uniqueItems':
      return {
        pointer,
        expected: 'unique items',
        actual: `items ${String(p.j)} and ${String(p.i)} are equal`,
      };
    case 'anyOf':
    case 'oneOf':
      return alternatives(e, branch, actual);
    case 'not': {
      const hidden = isObject(e.parentSchema) ? e.parentSchema[HIDDEN_MARK] : undefined;
      if (typeof hidden !== 'string')
        return { pointer, expected: 'not to match the schema in "not"', actual };
      const name = pointer.slice(pointer.lastIndexOf('/') + 1);
      const where = hidden === 'readOnly' ? 'a request' : 'a response';
      return {
        pointer,
        expected: `no property '${name}' (${hidden}: never in ${where})`,
        actual: `property '${name}'`,
        message: `${hidden} property '${name}' present in ${where}`,
      };
    }
    case 'false schema':
      return { pointer, expected: 'no value (the schema is false)', actual };
    case 'dependentRequired':
    case 'dependencies':
      return {
        pointer,
        expected: `property '${String(p.missingProperty)}' when '${String(p.property)}' is present`,
        actual: 'nothing',
        message: `missing property '${String(p.missingProperty)}' (required when '${String(p.property)}' is present)`,
      };
    default:
      return { pointer, expected: `${e.keyword} ${short(e.schema)}`, actual, message: e.message };
  }
}

function alternatives(e: ErrorObject, branch: readonly ErrorObject[], actual: string): Shaped {
  const pointer = e.instancePath;
  const passing = (e.params as { passingSchemas?: unknown }).passingSchemas;
  if (e.keyword === 'oneOf' && Array.isArray(passing)) {
    return {
      pointer,
      expected: 'exactly one oneOf alternative',
      actual: `matches alternatives ${passing.join(' and ')}`,
    };
  }
  const types = new Set<string>();
  let onlyTypes = branch.length > 0;
  for (const b of branch) {
    if (b.keyword === 'type' && b.instancePath === pointer) {
      for (const t of String((b.params as { type: unknown }).type).split(',')) types.add(t);
    } else onlyTypes = false;
  }
  if (onlyTypes) return { pointer, expected: [...types].join(' or '), actual };
  const count = Array.isArray(e.schema) ? e.schema.length : 0;
  const first = branch.find((b) => b.keyword !== 'type') ?? branch[0];
  const hint = first ? ` (first mismatch: ${first.instancePath || '/'} ${first.message ?? ''})` : '';
  return {
    pointer,
    expected: `a value matching one of ${count} alternatives (${e.keyword})`,
    actual,
    message: `expected a value matching one of ${count} alternatives (${e.keyword}), got ${actual}${hint}`,
  };
}
