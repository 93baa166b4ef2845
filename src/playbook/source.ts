// biome-ignore-all lint/suspicious/noTemplateCurlyInString: hints show ${...} reference syntax.
import { dirname, isAbsolute, relative } from 'node:path';
import {
  type Document,
  isAlias,
  isScalar,
  isSeq,
  isMap as isYamlMap,
  LineCounter,
  parseDocument,
} from 'yaml';
import type { Diagnostic } from '../core/errors.js';
import { type DocPath, formatPath, type Problem } from './path.js';

/** One parsed YAML file, kept to turn paths back into line:column. */
export interface Source {
  /** Absolute path. */
  file: string;
  dir: string;
  text: string;
  doc: Document;
  lineCounter: LineCounter;
}

const MAX_SYNTAX_ERRORS = 3;

/** The path as users should see it in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** Parses YAML text; syntax errors come back as diagnostics (without echoing the source lines). */
export function parseSource(file: string, text: string): { source: Source; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const source: Source = { file, dir: dirname(file), text, doc, lineCounter };
  const lines = text.split(/\r?\n/);
  // After the first syntax error the parser's view is off: later errors are mostly echoes of it.
  const diagnostics = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((error) => {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const diagnostic: Diagnostic = {
      file: displayPath(file),
      line: pos.line,
      column: pos.col,
      path: '',
      // prettyErrors appends " at line L, column C:" and an excerpt of the source; the excerpt could
      // hold a secret (secrets files use this parser too) and the position is already in the diagnostic.
      message: `YAML syntax error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
    const context = `${lines[pos.line - 2] ?? ''}\n${lines[pos.line - 1] ?? ''}`;
    if (context.includes('${') && /[{[]/.test(context.replace(/\$\{/g, ''))) {
      diagnostic.hint = 'inside { } or [ ], quote references: token: "${secret.name}"';
    }
    return diagnostic;
  });
  return { source, diagnostics };
}

interface Found {
  /** Deepest YAML value node reached (null for an empty value such as `key:`). */
  node: unknown;
  /** Key node of the last map step, when the path ended in a map key. */
  keyNode?: unknown;
  /** Whether the whole path was found. */
  complete: boolean;
}

function walk(source: Source, path: DocPath): Found {
  let current: unknown = source.doc.contents;
  let keyNode: unknown;
  for (const key of path) {
    if (isAlias(current)) current = current.resolve(source.doc);
    if (isYamlMap(current)) {
      const pair = current.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) return { node: current, keyNode, complete: false };
      keyNode = pair.key;
      current = pair.value;
    } else if (isSeq(current) && typeof key === 'number' && key < current.items.length) {
      keyNode = undefined;
      current = current.items[key];
    } else {
      return { node: current, keyNode, complete: false };
    }
  }
  return { node: current, keyNode, complete: true };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

/** Offset of a character inside a scalar, when the scalar is written as-is (plain or simply quoted). */
function offsetInside(source: Source, node: unknown, start: number, offset: number): number | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const value = node.value;
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? 1 : 0;
  if (source.text.slice(start + quoted, start + quoted + value.length) !== value) return undefined;
  return start + quoted + offset;
}

/** Where a problem is in a source: the node at `path` (its key for unknown keys, its parent when missing). */
export function locateIn(source: Source, path: DocPath, problem: Problem, fullPath: DocPath): Diagnostic {
  const found = walk(source, path);
  let offset: number | undefined;
  if (found.complete && problem.at === 'key') offset = rangeStart(found.keyNode);
  if (offset === undefined && found.complete && found.node === null) offset = rangeStart(found.keyNode);
  if (offset === undefined) {
    const start = rangeStart(found.node);
    if (start !== undefined && found.complete && problem.offset !== undefined) {
      offset = offsetInside(source, found.node, start, problem.offset) ?? start;
    } else {
      offset = start;
    }
  }
  const pos = offset === undefined ? { line: 1, col: 1 } : source.lineCounter.linePos(offset);
  const diagnostic: Diagnostic = {
    file: displayPath(source.file),
    line: pos.line,
    column: pos.col,
    path: formatPath(fullPath),
    message: problem.message,
  };
  if (problem.hint !== undefined) diagnostic.hint = problem.hint;
  return diagnostic;
}
