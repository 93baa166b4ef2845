import type { Finding } from '../../core/result.js';
import type { HttpResponse } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { createdId, listItems } from '../contract/listing.js';
import { collectionOf, collectionPath } from '../contract/order.js';
import type { OtherEnvironment } from '../kind.js';
import { otherEnvironment } from './auth.js';
import { type Holdings, jsonOf, requestFor } from './baseline.js';
import { credentialValues, type SecuritySession } from './session.js';

type Id = string | number;

/**
 * Cross-tenant access (BOLA): what partner A (the stage's environment) created or listed is requested
 * with partner B's credentials (another environment): reads must be refused (403/404), B's lists must
 * not hold A's resources, and with `unsafe` (never in production) neither may B change or delete them.
 */
export async function probeTenancy(
  session: SecuritySession,
  mine: Holdings,
  otherName: string,
  unsafe: boolean,
): Promise<void> {
  const factory = session.ctx.otherEnvironment;
  if (!factory) return;
  const other = await otherEnvironment(factory, otherName, 'otherPartner');
  session.addOwnHost(other.environment.baseUrl);
  for (const value of credentialValues(other.environment.auth)) session.addSecret(value);
  const theirs = await otherLists(session, mine, other, otherName);
  // An id both partners list is shared data (a catalogue), not A's own.
  const owned = (collection: string): Set<Id> => {
    const out = new Set<Id>(mine.created.get(collection) ?? []);
    const shared = theirs.get(collection);
    for (const id of mine.ids.get(collection) ?? []) if (!shared?.has(id)) out.add(id);
    return out;
  };
  const reads = session.baseline.filter(
    (s) =>
      s.op.method === 'GET' && s.op.path.includes('{') && s.response.status >= 200 && s.response.status < 300,
  );
  for (const { op, request } of reads) {
    if (session.signal.aborted) return;
    if (!usesOwned(op, mine, owned)) continue;
    const res = await session.send(op, request, other.http);
    if (res) judge(session, op, res, otherName, 'read');
  }
  if (!unsafe) return;
  if (session.env.production) {
    session.add(skippedInProduction(session.env.name));
    return;
  }
  const writes = session.spec.operations
    .filter((op) => ['PUT', 'PATCH', 'DELETE'].includes(op.method) && op.path.includes('{'))
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'))
    .slice(0, session.limits.maxOperations);
  for (const op of writes) {
    if (session.signal.aborted) return;
    if (!usesOwned(op, mine, owned)) continue;
    const res = await session.send(op, requestFor(session, mine, op), other.http);
    if (res) judge(session, op, res, otherName, 'write');
  }
}

/** True when every path parameter of the operation would be filled with an id partner A owns. */
function usesOwned(op: Operation, mine: Holdings, owned: (collection: string) => Set<Id>): boolean {
  const known = mine.known(op);
  if (!known) return false;
  const params = op.parameters.filter((p) => p.in === 'path');
  const last = params[params.length - 1];
  if (!last) return false;
  const value = known[last.name];
  return (
    (typeof value === 'string' || typeof value === 'number') &&
    owned(collectionOf(op.path, last.name)).has(value)
  );
}

/** B lists every collection A listed; an id A created in B's list is a leak. Returns B's ids per collection. */
async function otherLists(
  session: SecuritySession,
  mine: Holdings,
  other: OtherEnvironment,
  otherName: string,
): Promise<Map<string, Set<Id>>> {
  const out = new Map<string, Set<Id>>();
  const lists = session.baseline.filter(
    (s) =>
      s.op.method === 'GET' &&
      !s.op.path.endsWith('}') &&
      s.response.status >= 200 &&
      s.response.status < 300,
  );
  for (const { op, request } of lists) {
    if (session.signal.aborted) break;
    const res = await session.send(op, request, other.http);
    if (!res) continue;
    if (res.status === 401 || res.status === 403) {
      session.add(otherRefused(op, res, otherName), res);
      continue;
    }
    const items = listItems(jsonOf(res));
    if (!items) continue;
    const ids = new Set<Id>();
    for (const item of items) {
      const id = createdId(item);
      if (id !== undefined) ids.add(id);
    }
    const collection = collectionPath(op);
    out.set(collection, ids);
    const leaked = [...(mine.created.get(collection) ?? [])].filter((id) => ids.has(id));
    if (leaked.length > 0) session.add(listLeak(op, res, otherName, leaked), res);
  }
  return out;
}

function judge(
  session: SecuritySession,
  op: Operation,
  res: HttpResponse,
  otherName: string,
  what: 'read' | 'write',
): void {
  if (res.status === 403 || res.status === 404) return;
  const verb = what === 'read' ? 'read' : op.method === 'DELETE' ? 'delete' : 'change';
  const base = {
    operation: op.id,
    pointer: 'status',
    expected: `403 or 404: environment "${otherName}" is another partner`,
    actual: String(res.status),
    curl: res.curl,
  };
  if (res.status >= 200 && res.status < 300) {
    session.add(
      {
        ...base,
        code: what === 'read' ? 'tenancy.read-other' : 'tenancy.write-other',
        severity: 'error',
        message: `${op.id}: the partner of environment "${otherName}" could ${verb} a resource of "${session.env.name}" (${res.status})`,
        hint: "Authorise every object access against the caller's tenant (OWASP API1:2023, broken object level authorization).",
      },
      res,
    );
  } else if (res.status === 401) {
    session.add(otherRefused(op, res, otherName), res);
  } else if (res.status >= 500) {
    session.add(
      {
        ...base,
        code: 'tenancy.server-error',
        severity: 'warning',
        message: `${op.id} answered ${res.status} when another partner asked to ${verb} a resource`,
        hint: "Answer 403 or 404 to requests for another tenant's resources; never crash.",
      },
      res,
    );
  }
}

function listLeak(op: Operation, res: HttpResponse, otherName: string, leaked: Id[]): Finding {
  return {
    code: 'tenancy.list-other',
    severity: 'error',
    message: `${op.id}: the list of the partner of environment "${otherName}" holds ${leaked.length} resource(s) created by another partner: ${leaked.slice(0, 3).join(', ')}`,
    operation: op.id,
    pointer: '',
    expected: "only the caller's own resources",
    actual: `ids ${leaked.slice(0, 3).join(', ')}`,
    hint: "Filter every list by the caller's tenant.",
    curl: res.curl,
  };
}

function otherRefused(op: Operation, res: HttpResponse, otherName: string): Finding {
  return {
    code: 'tenancy.other-refused',
    severity: 'warning',
    message: `${op.id}: the credential of environment "${otherName}" was refused (${res.status}), so cross-tenant access could not be tested there`,
    operation: op.id,
    pointer: 'status',
    expected: 'the other partner authenticated',
    actual: String(res.status),
    hint: `Give environment "${otherName}" a working credential of another partner of the same API.`,
    curl: res.curl,
  };
}

function skippedInProduction(name: string): Finding {
  return {
    code: 'tenancy.unsafe-skipped',
    severity: 'info',
    message: `unsafe cross-tenant changes were not tried: environment "${name}" is production`,
    expected: 'a non-production environment for unsafe probes',
    actual: 'production',
    hint: 'Run the unsafe tenancy probes against a sandbox.',
  };
}
