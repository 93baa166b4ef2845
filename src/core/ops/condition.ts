import { InputError } from '../errors.js';
import { OUTCOMES } from '../result.js';
import type { ConditionAst, MonitorSample } from './types.js';

/**
 * Custom detector conditions: a small expression language over a monitor sample, parsed once when
 * the playbook loads and evaluated for every sample. Hand-written (no eval, no Function) so a
 * playbook can never run code, and every parse error names its column.
 *
 *   expr    := or
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | compare
 *   compare := primary (op primary)?          op: < <= > >= == != contains matches
 *   primary := '(' expr ')' | number | duration | percent | string | true | false | null | field
 */

type CompareOp = Extract<ConditionAst, { type: 'compare' }>['op'];

/** A condition that does not parse; `column` (1-based) lets the loader point at file:line:column. */
export class ConditionError extends InputError {
  constructor(
    readonly column: number,
    readonly reason: string,
  ) {
    super('condition.invalid', `at column ${column}: ${reason}`);
  }
}

type Token =
  | { kind: 'number'; value: number; col: number; text: string }
  | { kind: 'string'; value: string; col: number; text: string }
  | { kind: 'word'; value: string; col: number; text: string }
  | { kind: 'op'; value: CompareOp; col: number; text: string }
  | { kind: 'paren'; value: '(' | ')'; col: number; text: string }
  | { kind: 'end'; col: number; text: string };

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const NUMBER = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d|%)?(?![\w.])/;
const WORD = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_\d][\w-]*)*/;
const SYMBOL_OPS: readonly CompareOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const WORD_OPS = new Set(['contains', 'matches']);
const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null', 'contains', 'matches']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const col = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: 'paren', value: ch, col, text: ch });
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', value, col, text: text.slice(i, end) });
      i = end;
      continue;
    }
    const rest = text.slice(i);
    const symbol = SYMBOL_OPS.find((op) => rest.startsWith(op));
    if (symbol) {
      tokens.push({ kind: 'op', value: symbol, col, text: symbol });
      i += symbol.length;
      continue;
    }
    if (ch === '=') throw new ConditionError(col, 'use "==" to compare');
    const negative = ch === '-' && /^-\d/.test(rest);
    const number = NUMBER.exec(negative ? rest.slice(1) : rest);
    if (number) {
      const unit = number[2];
      let value = Number(number[1]);
      if (unit === '%') value /= 100;
      else if (unit) value *= UNIT_MS[unit]!;
      const length = number[0].length + (negative ? 1 : 0);
      tokens.push({ kind: 'number', value: negative ? -value : value, col, text: rest.slice(0, length) });
      i += length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const value = word[0];
      if (WORD_OPS.has(value)) tokens.push({ kind: 'op', value: value as CompareOp, col, text: value });
      else tokens.push({ kind: 'word', value, col, text: value });
      i += value.length;
      continue;
    }
    throw new ConditionError(col, `unexpected "${ch}"`);
  }
  tokens.push({ kind: 'end', col: text.length + 1, text: 'the end' });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === quote) return { value, end: i + 1 };
    // Only quotes and backslashes are escaped, so regular expressions keep their \. and \d.
    const next = text[i + 1];
    if (ch === '\\' && (next === quote || next === '\\')) {
      value += next;
      i++;
      continue;
    }
    value += ch;
  }
  throw new ConditionError(start + 1, `unterminated string (missing ${quote})`);
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ConditionAst {
    const ast = this.or();
    const next = this.peek();
    if (next.kind !== 'end') {
      const what =
        next.kind === 'paren' && next.value === ')' ? 'unbalanced ")"' : `unexpected "${next.text}"`;
      throw new ConditionError(next.col, `${what}: expected "and", "or" or the end`);
    }
    return ast;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private take(): Token {
    return this.tokens[this.pos++]!;
  }

  private isWord(value: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.value === value;
  }

  private or(): ConditionAst {
    let left = this.and();
    while (this.isWord('or')) {
      this.take();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): ConditionAst {
    let left = this.unary();
    while (this.isWord('and')) {
      this.take();
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): ConditionAst {
    if (this.isWord('not')) {
      this.take();
      return { type: 'not', operand: this.unary() };
    }
    return this.compare();
  }

  private compare(): ConditionAst {
    const leftCol = this.peek().col;
    const left = this.primary();
    const next = this.peek();
    if (next.kind !== 'op') {
      if (next.kind === 'word' || next.kind === 'number' || next.kind === 'string') {
        if (!KEYWORDS.has(next.text)) throw new ConditionError(next.col, 'expected an operator');
      }
      return left;
    }
    this.take();
    const rightToken = this.peek();
    const right = this.primary();
    validateCompare(next.value, left, right, leftCol, rightToken.col);
    return { type: 'compare', op: next.value, left, right };
  }

  private primary(): ConditionAst {
    const t = this.take();
    switch (t.kind) {
      case 'number':
      case 'string':
        return { type: 'literal', value: t.value };
      case 'paren': {
        if (t.value === ')') throw new ConditionError(t.col, 'expected a value, a field or "("');
        const inner = this.or();
        const close = this.take();
        if (close.kind !== 'paren' || close.value !== ')') {
          throw new ConditionError(close.col, `expected ")" to close the "(" at column ${t.col}`);
        }
        return inner;
      }
      case 'word':
        if (t.value === 'true' || t.value === 'false') return { type: 'literal', value: t.value === 'true' };
        if (t.value === 'null') return { type: 'literal', value: null };
        if (KEYWORDS.has(t.value))
          throw new ConditionError(t.col, `expected a value or a field before "${t.value}"`);
        return { type: 'field', path: t.value };
      case 'op':
        throw new ConditionError(t.col, `expected a value or a field before "${t.value}"`);
      case 'end':
        throw new ConditionError(t.col, 'expected a value or a field');
    }
  }
}

/** Mistakes worth catching when the playbook loads instead of a detector that silently never fires. */
function validateCompare(
  op: CompareOp,
  left: ConditionAst,
  right: ConditionAst,
  leftCol: number,
  rightCol: number,
): void {
  if (op === 'matches') {
    if (right.type !== 'literal' || typeof right.value !== 'string') {
      throw new ConditionError(rightCol, 'expected a regular expression as a quoted string after "matches"');
    }
    try {
      new RegExp(right.value);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ConditionError(rightCol, `invalid regular expression: ${why}`);
    }
  }
  const field = left.type === 'field' ? left : right.type === 'field' ? right : undefined;
  const literal = left.type === 'literal' ? left : right.type === 'literal' ? right : undefined;
  if (field?.path === 'outcome' && typeof literal?.value === 'string' && (op === '==' || op === '!=')) {
    if (!(OUTCOMES as readonly string[]).includes(literal.value)) {
      const col = literal === right ? rightCol : leftCol;
      throw new ConditionError(col, `"${literal.value}" is not an outcome (one of: ${OUTCOMES.join(', ')})`);
    }
  }
}

/** Parses a custom detector's `when` text; throws ConditionError (an InputError) naming the column. */
export function parseCondition(text: string): ConditionAst {
  if (text.trim() === '') throw new ConditionError(1, 'the condition is empty');
  return new Parser(tokenize(text)).parse();
}

type Value = string | number | boolean | null | readonly string[];

const TOP_LEVEL: Record<string, (s: MonitorSample) => Value> = {
  outcome: (s) => s.outcome,
  durationMs: (s) => s.durationMs,
  environment: (s) => s.environment,
  monitorId: (s) => s.monitorId,
  at: (s) => s.at,
  'findings.count': (s) => s.findings.length,
  'findings.codes': (s) => s.findings.map((f) => f.code),
  'error.code': (s) => s.error?.code ?? null,
  'error.message': (s) => s.error?.message ?? null,
};

function readField(path: string, sample: MonitorSample): Value {
  // Own properties only: "__proto__" or "toString" in a playbook must read as missing, not as Object's.
  if (Object.hasOwn(TOP_LEVEL, path)) return TOP_LEVEL[path]!(sample);
  const name = path.startsWith('measurements.') ? path.slice('measurements.'.length) : path;
  const value = Object.hasOwn(sample.measurements, name) ? sample.measurements[name] : undefined;
  return typeof value === 'number' && !Number.isNaN(value) ? value : null;
}

function value(ast: ConditionAst, sample: MonitorSample): Value {
  switch (ast.type) {
    case 'literal':
      return ast.value;
    case 'field':
      return readField(ast.path, sample);
    default:
      return evaluateCondition(ast, sample);
  }
}

function truthy(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== false && v !== 0 && v !== '';
}

// Compiled once per AST node: the AST stays plain JSON, the cache dies with the config.
const regexCache = new WeakMap<object, RegExp>();

function regexFor(node: ConditionAst): RegExp | undefined {
  if (node.type !== 'literal' || typeof node.value !== 'string') return undefined;
  let re = regexCache.get(node);
  if (!re) {
    try {
      re = new RegExp(node.value);
    } catch {
      return undefined;
    }
    regexCache.set(node, re);
  }
  return re;
}

function compareValues(op: CompareOp, a: Value, b: Value, left: ConditionAst, right: ConditionAst): boolean {
  if (a === null || b === null) {
    // A missing field compares false; only an explicit "x == null" / "x != null" asks about presence.
    const explicit = isNullLiteral(left) || isNullLiteral(right);
    if (!explicit) return false;
    if (op === '==') return a === b;
    if (op === '!=') return a !== b;
    return false;
  }
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case 'contains':
      if (Array.isArray(a)) return typeof b === 'string' && a.includes(b);
      return typeof a === 'string' && typeof b === 'string' && a.includes(b);
    case 'matches': {
      const re = regexFor(right);
      if (!re) return false;
      if (Array.isArray(a)) return a.some((item) => re.test(item));
      return typeof a === 'string' && re.test(a);
    }
    default:
      if (typeof a === 'number' && typeof b === 'number') return ordered(op, a, b);
      if (typeof a === 'string' && typeof b === 'string') return ordered(op, a, b);
      return false;
  }
}

function isNullLiteral(node: ConditionAst): boolean {
  return node.type === 'literal' && node.value === null;
}

function ordered<T extends number | string>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/** Evaluates a parsed condition against a sample; never throws (a missing field compares false). */
export function evaluateCondition(ast: ConditionAst, sample: MonitorSample): boolean {
  switch (ast.type) {
    case 'and':
      return evaluateCondition(ast.left, sample) && evaluateCondition(ast.right, sample);
    case 'or':
      return evaluateCondition(ast.left, sample) || evaluateCondition(ast.right, sample);
    case 'not':
      return !evaluateCondition(ast.operand, sample);
    case 'compare':
      return compareValues(ast.op, value(ast.left, sample), value(ast.right, sample), ast.left, ast.right);
    default:
      return truthy(value(ast, sample));
  }
}
