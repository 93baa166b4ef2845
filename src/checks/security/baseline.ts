import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { toHttpRequest } from '../contract/build.js';
import { createdId, listItems } from '../contract/listing.js';
import { collectionOf, collectionPath, orderOperations } from '../contract/order.js';
import { ResourcePool } from '../contract/resources.js';
import type { SecuritySession } from './session.js';

/** Resources seen by one partner: a pool to fill path parameters, and the ids seen per collection. */
export class Holdings {
  readonly pool = new ResourcePool();
  /** Ids from create and list answers, by collection path. */
  readonly ids = new Map<string, Set<string | number>>();
  /** Ids this partner created, by collection path. */
  readonly created = new Map<string, Set<string | number>>();

  /** Records a successful answer of a create or a list. */
  remember(op: Operation, res: HttpResponse): void {
    if (res.status < 200 || res.status >= 300 || op.path.endsWith('}')) return;
    const create = op.method === 'POST';
    if (!create && op.method !== 'GET') return;
    const body = jsonOf(res);
    if (body === undefined) return;
    const collection = collectionPath(op);
    this.pool.remember(collection, body, create);
    const seen = this.ids.get(collection) ?? new Set();
    this.ids.set(collection, seen);
    if (create) {
      const id = createdId(body);
      if (id === undefined) return;
      seen.add(id);
      const mine = this.created.get(collection) ?? new Set();
      mine.add(id);
      this.created.set(collection, mine);
      return;
    }
    for (const item of listItems(body) ?? []) {
      const id = createdId(item);
      if (id !== undefined) seen.add(id);
    }
  }

  /** Known values for the operation's path parameters, or undefined when one has none. */
  known(op: Operation): Record<string, unknown> | undefined {
    const known: Record<string, unknown> = {};
    for (const p of op.parameters.filter((p) => p.in === 'path')) {
      const id = this.pool.idFor(collectionOf(op.path, p.name), p.name);
      if (id === undefined) return undefined;
      known[p.name] = id;
    }
    return known;
  }
}

/** The JSON body of a response, or undefined. */
export function jsonOf(res: HttpResponse): unknown {
  if (!/json/i.test(res.contentType ?? '')) return undefined;
  try {
    return res.json();
  } catch {
    return undefined;
  }
}

/**
 * Sends one authenticated request per operation the check may call: creates (not in production),
 * lists, then reads of single resources with ids the creates and lists gave. Reads without a known id
 * use the spec's examples. Other unsafe operations are left to the probes that need them.
 */
export async function runBaseline(
  session: SecuritySession,
  holdings: Holdings,
  create: boolean,
): Promise<void> {
  const { spec, ctx } = session;
  const callable = orderOperations(spec.operations).filter(
    (op) => op.method === 'GET' || (create && op.method === 'POST' && !op.path.endsWith('}')),
  );
  const chosen = callable.slice(0, session.limits.maxOperations);
  for (const [i, op] of chosen.entries()) {
    if (session.signal.aborted) return;
    ctx.progress(`baseline ${op.id}`, i, chosen.length);
    const request = requestFor(session, holdings, op);
    const res = await session.send(op, request);
    if (!res) continue;
    holdings.remember(op, res);
    session.baseline.push({ op, request, response: res });
  }
}

/** A valid request for the operation, with the partner's own ids where it has them. */
export function requestFor(session: SecuritySession, holdings: Holdings, op: Operation): HttpRequest {
  const known = holdings.known(op) ?? {};
  const generated = session.spec.generateRequest(op, { seed: session.ctx.seed, known });
  return toHttpRequest(op, generated, true);
}
