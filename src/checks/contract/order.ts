import type { Operation } from '../../openapi/types.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** localeCompare's order, with its collator built once instead of per call. */
const collator = new Intl.Collator();

export function isSafe(method: string): boolean {
  return SAFE.has(method);
}

/**
 * Orders operations so that what creates data runs before what reads it, and deletes run last:
 * creates on collections, then lists, then reads/updates of single resources (shallow paths first), then deletes.
 */
export function orderOperations(operations: readonly Operation[]): Operation[] {
  const phase = (op: Operation): number => {
    const templated = op.path.includes('{');
    if (op.method === 'DELETE') return 4;
    if (op.method === 'POST' && (!templated || createsInSubCollection(op.path))) return 0;
    if (op.method === 'GET' && !templated) return 1;
    if (op.method === 'GET' || op.method === 'HEAD') return 2;
    return 3;
  };
  // Keys computed once per operation, not per comparison (a large spec sorts thousands).
  const keyed = operations.map((op) => ({ op, phase: phase(op), depth: op.path.split('/').length }));
  keyed.sort((a, b) => a.phase - b.phase || a.depth - b.depth || collator.compare(a.op.path, b.op.path));
  return keyed.map((k) => k.op);
}

/**
 * A POST on a sub-collection of a resource ("/payments/{id}/refunds") creates a child: it must run before
 * the child is read. Actions ("/payments/{id}/cancel") are verbs, not plural nouns, and keep their place.
 */
function createsInSubCollection(path: string): boolean {
  const last = path.replace(/\/$/, '').split('/').pop() ?? '';
  return (
    !last.includes('{') && /^[a-z][\w-]*s$/i.test(last) && !/(status|process|access|address)$/i.test(last)
  );
}

/** The collection a path parameter identifies a member of: "/payments/{id}/refunds" + "id" → "/payments". */
export function collectionOf(path: string, param: string): string {
  const at = path.indexOf(`{${param}}`);
  return at > 0 ? path.slice(0, at).replace(/\/$/, '') : '';
}

/** The collection a create or list operation works on: its path without a trailing slash. */
export function collectionPath(op: Operation): string {
  return op.path.replace(/\/$/, '');
}
