/**
 * Builds strings that match a regular expression, for `pattern`. Covers what API specs use:
 * literals, classes and escapes, quantifiers, groups, alternation, anchors, back-references.
 * Lookarounds and word boundaries are skipped: callers verify the result against the real RegExp.
 */
import type { Rng } from './prng.js';

type Range = [number, number];
type RNode =
  | { t: 'set'; ranges: Range[]; negated: boolean }
  | { t: 'group'; alts: RNode[][]; index: number }
  | { t: 'repeat'; node: RNode; min: number; max: number }
  | { t: 'backref'; index: number }
  | { t: 'empty' };

const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [
  [97, 122],
  [65, 90],
  [48, 57],
  [95, 95],
];
const SPACE: Range[] = [[32, 32]];
const PRINTABLE: Range = [32, 126];
/** Default extra repetitions past the minimum of an unbounded quantifier (*, +, {n,}). */
const UNBOUNDED_EXTRA = 4;

class Parser {
  pos = 0;
  groups = 0;
  constructor(
    private readonly src: string,
    /** Extra repetitions allowed past the minimum of an unbounded quantifier. */
    private readonly extra: number,
  ) {}

  parseAlts(): RNode[][] {
    const alts: RNode[][] = [this.parseSeq()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alts.push(this.parseSeq());
    }
    return alts;
  }

  private parseSeq(): RNode[] {
    const seq: RNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      let atom = this.parseAtom();
      atom = this.parseQuantifier(atom);
      seq.push(atom);
    }
    return seq;
  }

  private parseAtom(): RNode {
    const c = this.src[this.pos++] as string;
    if (c === '^' || c === '$') return { t: 'empty' };
    if (c === '.') return { t: 'set', ranges: [[97, 122]], negated: false };
    if (c === '[') return this.parseClass();
    if (c === '(') {
      let capturing = true;
      let lookaround = false;
      if (this.src[this.pos] === '?') {
        const next = this.src[this.pos + 1];
        if (next === ':') this.pos += 2;
        else if (next === '=' || next === '!') {
          this.pos += 2;
          lookaround = true;
        } else if (next === '<' && (this.src[this.pos + 2] === '=' || this.src[this.pos + 2] === '!')) {
          this.pos += 3;
          lookaround = true;
        } else if (next === '<') {
          const close = this.src.indexOf('>', this.pos);
          this.pos = close + 1;
        } else throw new Error('unsupported group');
        capturing = next === '<' && !lookaround;
      }
      const index = capturing ? ++this.groups : 0;
      const alts = this.parseAlts();
      if (this.src[this.pos] !== ')') throw new Error('unbalanced group');
      this.pos++;
      return lookaround ? { t: 'empty' } : { t: 'group', alts, index };
    }
    if (c === '\\') return this.parseEscape(false);
    const code = c.codePointAt(0) as number;
    return { t: 'set', ranges: [[code, code]], negated: false };
  }

  private parseEscape(inClass: boolean): RNode {
    const c = this.src[this.pos++] as string;
    const set = (ranges: Range[], negated = false): RNode => ({ t: 'set', ranges, negated });
    switch (c) {
      case 'd':
        return set(DIGIT);
      case 'D':
        return set(DIGIT, true);
      case 'w':
        return set(WORD);
      case 'W':
        return set(WORD, true);
      case 's':
        return set(SPACE);
      case 'S':
        return set([[33, 126]]);
      case 'b':
        return inClass ? set([[8, 8]]) : { t: 'empty' };
      case 'B':
        return { t: 'empty' };
      case 'n':
        return set([[10, 10]]);
      case 't':
        return set([[9, 9]]);
      case 'r':
        return set([[13, 13]]);
      case 'u':
      case 'x': {
        const len = c === 'u' ? 4 : 2;
        const hex = this.src.slice(this.pos, this.pos + len);
        if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === len) {
          this.pos += len;
          const code = Number.parseInt(hex, 16);
          return set([[code, code]]);
        }
        return set([[c.charCodeAt(0), c.charCodeAt(0)]]);
      }
      default: {
        if (!inClass && /[1-9]/.test(c)) return { t: 'backref', index: Number(c) };
        const code = c.codePointAt(0) as number;
        return set([[code, code]]);
      }
    }
  }

  private parseClass(): RNode {
    let negated = false;
    if (this.src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (this.pos < this.src.length && (this.src[this.pos] !== ']' || first)) {
      first = false;
      const lo = this.classAtom(ranges);
      if (lo === undefined) continue;
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const hi = this.classAtom(ranges);
        if (hi === undefined) ranges.push([lo, lo], [45, 45]);
        else ranges.push([Math.min(lo, hi), Math.max(lo, hi)]);
      } else ranges.push([lo, lo]);
    }
    this.pos++; // ']'
    return { t: 'set', ranges, negated };
  }

  /** One class member: returns its code point, or undefined when it was a shorthand (\d...) added directly. */
  private classAtom(ranges: Range[]): number | undefined {
    const c = this.src[this.pos++] as string;
    if (c !== '\\') return c.codePointAt(0) as number;
    const node = this.parseEscape(true);
    if (
      node.t === 'set' &&
      !node.negated &&
      node.ranges.length === 1 &&
      node.ranges[0]?.[0] === node.ranges[0]?.[1]
    ) {
      return node.ranges[0]?.[0];
    }
    if (node.t === 'set') {
      ranges.push(...(node.negated ? complement(node.ranges) : node.ranges));
    }
    return undefined;
  }

  private parseQuantifier(atom: RNode): RNode {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, this.extra];
    else if (c === '+') [min, max] = [1, 1 + this.extra];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom; // a literal "{"
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? min + this.extra : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.src[this.pos] === '?' || this.src[this.pos] === '+') this.pos++; // lazy / possessive
    return { t: 'repeat', node: atom, min, max };
  }
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (let c = PRINTABLE[0]; c <= PRINTABLE[1]; c++) {
    if (!ranges.some(([lo, hi]) => c >= lo && c <= hi)) out.push([c, c]);
  }
  return out;
}

function pickFrom(ranges: Range[], rng: Rng): string {
  const total = ranges.reduce((sum, [lo, hi]) => sum + (hi - lo + 1), 0);
  if (total === 0) throw new Error('empty character class');
  let n = rng.int(0, total - 1);
  for (const [lo, hi] of ranges) {
    const size = hi - lo + 1;
    if (n < size) return String.fromCodePoint(lo + n);
    n -= size;
  }
  return String.fromCodePoint(ranges[0]?.[0] ?? 97);
}

function emit(node: RNode, rng: Rng, groups: string[]): string {
  switch (node.t) {
    case 'empty':
      return '';
    case 'set':
      return pickFrom(node.negated ? complement(node.ranges) : node.ranges, rng);
    case 'backref':
      return groups[node.index] ?? '';
    case 'repeat': {
      const n = rng.int(node.min, node.max);
      let out = '';
      for (let i = 0; i < n; i++) out += emit(node.node, rng, groups);
      return out;
    }
    case 'group': {
      const alt = rng.pick(node.alts);
      const text = alt.map((n) => emit(n, rng, groups)).join('');
      if (node.index > 0) groups[node.index] = text;
      return text;
    }
  }
}

/** A compiled pattern generator; throws when the pattern uses syntax we cannot read. */
export function compilePattern(pattern: string, extra = UNBOUNDED_EXTRA): (rng: Rng) => string {
  const parser = new Parser(pattern, extra);
  const alts = parser.parseAlts();
  if (parser.pos < pattern.length) throw new Error('unbalanced ")"');
  const root: RNode = { t: 'group', alts, index: 0 };
  return (rng) => emit(root, rng, []);
}

/**
 * Generates a string matching `pattern` and the length bounds; undefined when none was found
 * in a few tries (the caller reports the schema as unsatisfiable).
 */
export function stringForPattern(
  pattern: string,
  rng: Rng,
  minLength = 0,
  maxLength = Infinity,
): string | undefined {
  let gen: (rng: Rng) => string;
  let tight: (rng: Rng) => string;
  let long: (rng: Rng) => string;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
    gen = compilePattern(pattern);
    // Unbounded quantifiers at their least ("*" none, "+" one): ".*<uuid>.*" with maxLength 36 is the uuid.
    tight = compilePattern(pattern, 0);
    // For long minimum lengths, later tries let unbounded quantifiers repeat further.
    long = minLength > UNBOUNDED_EXTRA ? compilePattern(pattern, Math.min(minLength + 2, maxLength)) : gen;
  } catch {
    return undefined;
  }
  for (let i = 0; i < 25; i++) {
    let s: string;
    try {
      s = (i < 5 ? gen : i < 10 && maxLength < Infinity ? tight : long)(rng);
    } catch {
      return undefined;
    }
    if (s.length < minLength && re.test(s + 'a'.repeat(minLength - s.length)) && !/\$$/.test(pattern)) {
      s += 'a'.repeat(minLength - s.length); // an unanchored tail accepts padding
    }
    if (s.length >= minLength && s.length <= maxLength && re.test(s)) return s;
  }
  return undefined;
}
