/**
 * Finds where a path points in JSON text without building a second tree: used only when a
 * diagnostic needs a line and column, so a simple scanner is fast enough.
 */

/** Offset of the member key (or array element) the path points at; undefined when absent. */
export function jsonOffset(text: string, segments: readonly string[]): number | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.ws();
    let found = scanner.pos;
    for (const seg of segments) {
      const at = scanner.enter(seg);
      if (at === undefined) return found;
      found = at;
    }
    return found;
  } catch {
    return undefined;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  /** Moves into the child named seg of the value at pos; returns where it starts. */
  enter(seg: string): number | undefined {
    const t = this.text;
    const open = t[this.pos];
    if (open === '{') {
      this.pos++;
      this.ws();
      while (t[this.pos] !== '}') {
        const keyAt = this.pos;
        const key = this.string();
        this.ws();
        this.pos++; // ':'
        this.ws();
        if (key === seg) return keyAt;
        this.skipValue();
        this.ws();
        if (t[this.pos] === ',') this.pos++;
        this.ws();
      }
      return undefined;
    }
    if (open === '[') {
      const index = Number(seg);
      this.pos++;
      this.ws();
      for (let i = 0; t[this.pos] !== ']'; i++) {
        if (i === index) return this.pos;
        this.skipValue();
        this.ws();
        if (t[this.pos] === ',') this.pos++;
        this.ws();
      }
    }
    return undefined;
  }

  /** After enter() returned a key position, the caller continues from the value: re-enter handles it. */
  string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    while (t[this.pos] !== '"') {
      if (t[this.pos] === '\\') this.pos++;
      this.pos++;
      if (this.pos >= t.length) throw new Error('unterminated string');
    }
    this.pos++;
    return JSON.parse(t.slice(start, this.pos)) as string;
  }

  skipValue(): void {
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') {
      this.string();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (this.pos < t.length) {
        const ch = t[this.pos];
        if (ch === '"') {
          this.string();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            this.pos++;
            return;
          }
        }
        this.pos++;
      }
      return;
    }
    while (this.pos < t.length && !',}] \t\r\n'.includes(t[this.pos] as string)) this.pos++;
  }
}
