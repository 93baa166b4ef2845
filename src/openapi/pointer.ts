/** JSON pointer helpers (RFC 6901), also used on URI fragments. */

export function escapeToken(token: string): string {
  // Most tokens need nothing: a search is cheaper than two replacements (this runs per schema node).
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  if (!token.includes('~')) return token;
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds a pointer ("" for the root) from path segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + escapeToken(String(s));
  return out;
}

/** Splits a pointer or a URI fragment ("#/a/b", "/a/b", "") into segments. */
export function parsePointer(pointer: string): string[] {
  let p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '') return [];
  if (p.includes('%')) {
    try {
      p = decodeURIComponent(p);
    } catch {
      // Keep the raw text: a malformed escape is reported as an unresolved pointer later.
    }
  }
  return p.slice(1).split('/').map(unescapeToken);
}

/** Reads the value at the path, or undefined when a segment is missing. */
export function getAt(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(s)) return undefined;
      node = node[Number(s)];
    } else {
      if (!Object.hasOwn(node, s)) return undefined;
      node = (node as Record<string, unknown>)[s];
    }
  }
  return node;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
