import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Diagnostic, formatDiagnostic, InputError } from '../core/errors.js';
import { DocumentSet, loadReferencedFiles } from './documents.js';
import { child, type Loc, Normalizer } from './normalize-common.js';
import { normalizeV2 } from './normalize-v2.js';
import { normalizeV3 } from './normalize-v3.js';
import { isObject } from './pointer.js';
import { readSource } from './source.js';
import { LoadedSpec } from './spec.js';
import type { ApiSpec, OpenApiVersion } from './types.js';

/**
 * Loads a Swagger 2.0 / OpenAPI 3.0 / 3.1 document from a file path or an http(s) URL, with the
 * files it references, and normalises it. Every structural problem is collected and raised at
 * once as an InputError (code "spec.invalid", "spec.parse", "spec.unsupported-version" or
 * "spec.unreadable") whose diagnostics carry file:line:column. `externalRefs: false` refuses $refs to other
 * files and URLs (the service parses uploaded texts and must not read its own files or fetch for them).
 */
export async function loadSpec(
  source: string,
  options: { cwd?: string; externalRefs?: boolean } = {},
): Promise<ApiSpec> {
  const cwd = options.cwd ?? process.cwd();
  const url = /^https?:\/\//i.test(source)
    ? new URL(source).href
    : pathToFileURL(resolvePath(cwd, source)).href;
  const root = await readSource(url, cwd);
  const rootLoc: Loc = { file: root, segments: [] };
  const at = (segments: string[], message: string): Diagnostic => ({
    file: root.display,
    ...root.locate(segments),
    path: segments.join('.'),
    message,
  });
  const doc = root.data;
  if (!isObject(doc)) {
    throw new InputError('spec.invalid', `${root.display}: an OpenAPI document must be an object`, [
      at([], 'an OpenAPI document must be an object'),
    ]);
  }
  const format = detectVersion(doc);
  if (format === undefined) {
    const key = 'openapi' in doc ? 'openapi' : 'swagger' in doc ? 'swagger' : undefined;
    const message = key
      ? `unsupported version ${JSON.stringify(doc[key])}: expected swagger "2.0" or openapi 3.0.x / 3.1.x`
      : 'not an OpenAPI document: no "openapi" or "swagger" field';
    const d = at(key ? [key] : [], message);
    throw new InputError('spec.unsupported-version', formatDiagnostic(d), [d]);
  }
  const docs = new DocumentSet(root);
  const diagnostics = await loadReferencedFiles(docs, cwd, { externalRefs: options.externalRefs ?? true });
  const info = doc.info;
  if (!isObject(info)) diagnostics.push(at([], 'info is missing (an object with title and version)'));
  else {
    if (typeof info.title !== 'string') diagnostics.push(at(['info'], 'info.title is missing'));
    if (typeof info.version !== 'string')
      diagnostics.push(at(['info'], 'info.version is missing (a string)'));
  }
  if (
    doc.paths === undefined &&
    (format !== '3.1' || (doc.webhooks === undefined && doc.components === undefined))
  ) {
    diagnostics.push(at([], 'paths is missing'));
  }
  const normalizer = new Normalizer(docs, format, new WeakMap());
  const normalized =
    format === '2.0' ? normalizeV2(normalizer, doc, rootLoc) : normalizeV3(normalizer, doc, rootLoc);
  diagnostics.push(...normalizer.diagnostics);
  if (isObject(doc.components) && doc.components.schemas !== undefined && !isObject(doc.components.schemas)) {
    diagnostics.push(
      at(child(rootLoc, 'components', 'schemas').segments, 'components.schemas must be an object'),
    );
  }
  if (diagnostics.length > 0) {
    diagnostics.sort((a, b) =>
      a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1,
    );
    const shown = diagnostics.slice(0, 5).map(formatDiagnostic).join('\n');
    const more = diagnostics.length > 5 ? `\n… and ${diagnostics.length - 5} more` : '';
    throw new InputError(
      'spec.invalid',
      `${root.display}: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the spec:\n${shown}${more}`,
      diagnostics,
    );
  }
  return new LoadedSpec({
    format,
    title: isObject(info) ? String(info.title) : '',
    apiVersion: isObject(info) ? String(info.version) : '',
    source: url.startsWith('file:') ? fileURLToPath(url) : url,
    docs,
    normalizer,
    normalized,
  });
}

function detectVersion(doc: Record<string, unknown>): OpenApiVersion | undefined {
  if (doc.swagger === '2.0' || doc.swagger === 2) return '2.0';
  if (typeof doc.openapi === 'string') {
    if (/^3\.0\.\d+$/.test(doc.openapi)) return '3.0';
    if (/^3\.1\.\d+$/.test(doc.openapi)) return '3.1';
  }
  return undefined;
}
