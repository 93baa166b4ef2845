import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'yaml';
import { type Diagnostic, errorMessage, InputError } from '../core/errors.js';
import { jsonOffset, lineColumn } from './json-position.js';

const require = createRequire(import.meta.url);
/** The YAML parser, loaded with the first YAML document (~20 ms that a JSON spec does not need). */
const yaml = (): typeof import('yaml') => require('yaml') as typeof import('yaml');

/** One parsed document file (the root spec or a file it references). */
export interface SourceFile {
  /** file:// or http(s) URL: the identity of the file and the base of its relative refs. */
  url: string;
  /** How diagnostics name the file: a path relative to cwd, or the URL. */
  display: string;
  data: unknown;
  /** Line and column of the node at the path (1-based); line 1 when it cannot be found. */
  locate(segments: readonly string[]): { line: number; column: number };
}

/** Reads and parses a file or URL as JSON or YAML (by extension, else by sniffing the content). */
export async function readSource(url: string, cwd: string): Promise<SourceFile> {
  const display = displayName(url, cwd);
  const text = await readText(url, display);
  const lower = new URL(url).pathname.toLowerCase();
  const looksJson = /^\s*[{[]/.test(text);
  if (lower.endsWith('.json') || (looksJson && !lower.endsWith('.yaml') && !lower.endsWith('.yml'))) {
    return parseJson(url, display, text);
  }
  if (looksJson) {
    // YAML is a superset of JSON, but JSON.parse is far faster: try it first.
    try {
      return parseJson(url, display, text);
    } catch {
      // Not strict JSON: let the YAML parser read it and report its own positions.
    }
  }
  return parseYaml(url, display, text);
}

export function displayName(url: string, cwd: string): string {
  if (!url.startsWith('file:')) return url;
  const abs = fileURLToPath(url);
  const rel = relative(cwd, abs);
  return rel.startsWith('..') || rel === '' ? abs : rel;
}

async function readText(url: string, display: string): Promise<string> {
  if (url.startsWith('file:')) {
    try {
      return await readFile(fileURLToPath(url), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `spec file not found: ${display}` : `cannot read ${display}`;
      throw new InputError('spec.unreadable', `${message} (${errorMessage(error)})`, [], { cause: error });
    }
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'follow' });
  } catch (error) {
    throw new InputError('spec.unreadable', `cannot fetch ${url}: ${errorMessage(error)}`, [], {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new InputError('spec.unreadable', `cannot fetch ${url}: HTTP ${response.status}`);
  }
  return response.text();
}

function parseJson(url: string, display: string, text: string): SourceFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = errorMessage(error);
    const match = /position (\d+)/.exec(message);
    const pos = match ? lineColumn(text, Number(match[1])) : { line: 1, column: 1 };
    const d: Diagnostic = { file: display, ...pos, path: '', message: `invalid JSON: ${message}` };
    throw new InputError('spec.parse', `${display}:${pos.line}:${pos.column}: invalid JSON`, [d]);
  }
  return {
    url,
    display,
    data,
    locate(segments) {
      const offset = jsonOffset(text, segments);
      return offset === undefined ? { line: 1, column: 1 } : lineColumn(text, offset);
    },
  };
}

function parseYaml(url: string, display: string, text: string): SourceFile {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e): Diagnostic => {
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      return {
        file: display,
        line: pos.line,
        column: pos.col,
        path: '',
        message: `invalid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      };
    });
    const first = diagnostics[0] as Diagnostic;
    throw new InputError('spec.parse', `${display}:${first.line}:${first.column}: invalid YAML`, diagnostics);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (error) {
    throw new InputError('spec.parse', `${display}: invalid YAML: ${errorMessage(error)}`, [
      { file: display, line: 1, column: 1, path: '', message: errorMessage(error) },
    ]);
  }
  return {
    url,
    display,
    data,
    locate(segments) {
      const offset = yamlOffset(doc.contents, segments);
      if (offset === undefined) return { line: 1, column: 1 };
      const p = lineCounter.linePos(offset);
      return { line: p.line, column: p.col };
    },
  };
}

function yamlOffset(root: unknown, segments: readonly string[]): number | undefined {
  let node = root;
  const { isMap, isScalar, isSeq } = yaml();
  let found = (node as Node | null)?.range?.[0];
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
      if (!pair) return found;
      found = (pair.key as Node | null)?.range?.[0] ?? found;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return found;
      node = item;
      found = (item as Node).range?.[0] ?? found;
    } else {
      return found;
    }
  }
  return found;
}
