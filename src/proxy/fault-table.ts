import { createRng, type Rng } from '../openapi/prng.js';
import type { ApiSpec } from '../openapi/types.js';
import type { FaultIssue } from './fault-parse.js';
import { type Fault, type FaultDefinition, normalizeFault, TCP_FAULT_TYPES } from './faults.js';

/** What the table needs to know of a request to pick a fault (TCP connections have none of it). */
export interface RouteInfo {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Operation id, when the proxy has a spec and the route matched. */
  operation?: string;
}

/** A fault as listed by GET /faults: its definition and how often it matched and fired. */
export interface FaultStatus {
  id: string;
  definition: FaultDefinition;
  matched: number;
  applied: number;
  /** True once `first` applications are used up. */
  exhausted: boolean;
}

interface Entry {
  fault: Fault;
  pathRe?: RegExp;
  rng: Rng;
  matched: number;
  applied: number;
}

export type AddResult = { ok: true; faults: FaultStatus[] } | { ok: false; issues: FaultIssue[] };

/** 32-bit FNV-1a of the id: each fault draws from its own sequence, so adding one does not shift another's. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** "/payments/{id}" -> /^\/payments\/[^/]+\/?$/ ; "/files/*" -> prefix. */
function pathPattern(template: string): RegExp {
  const prefix = template.endsWith('*');
  const body = (prefix ? template.slice(0, -1) : template)
    .split(/(\{[^{}]+\})/)
    .map((part) => (/^\{[^{}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}${prefix ? '' : '/?$'}`);
}

/**
 * The active faults, in the order they were added; the first one that matches a request and fires is applied
 * (one fault per exchange). Rates draw from a PRNG seeded by the proxy seed and the fault id: the same seed and the
 * same sequence of requests give the same faulted requests.
 */
export class FaultTable {
  readonly #entries: Entry[] = [];
  #counter = 0;

  constructor(private readonly options: { seed: number; spec?: ApiSpec; tcp?: boolean }) {}

  /** Adds faults (all or none): ids must be new, operations known to the spec, types possible in the mode. */
  add(defs: readonly FaultDefinition[], pointerBase = (i: number) => `/${i}`): AddResult {
    const issues: FaultIssue[] = [];
    const ids = new Set(this.#entries.map((e) => e.fault.id));
    const entries: Entry[] = [];
    defs.forEach((def, index) => {
      const at = pointerBase(index);
      const id = def.id ?? this.#nextId(def.type, ids);
      if (ids.has(id))
        issues.push({ pointer: `${at}/id`, message: `a fault with id "${id}" is already active` });
      ids.add(id);
      const fault = normalizeFault(def, id);
      if (this.options.tcp) {
        if (!TCP_FAULT_TYPES.has(def.type))
          issues.push({
            pointer: `${at}/type`,
            message: `"${def.type}" needs HTTP; a TCP proxy applies latency, bandwidth, reset, blackhole`,
          });
        for (const key of ['method', 'path', 'operation'] as const) {
          if (def[key] !== undefined)
            issues.push({ pointer: `${at}/${key}`, message: 'a TCP proxy sees connections, not requests' });
        }
      }
      if (def.operation !== undefined) {
        const spec = this.options.spec;
        const op = spec?.operation(def.operation);
        if (!spec)
          issues.push({ pointer: `${at}/operation`, message: 'matching by operation needs a spec (--spec)' });
        else if (!op)
          issues.push({
            pointer: `${at}/operation`,
            message: `"${def.operation}" is not an operation of ${spec.title}`,
          });
        else fault.operation = op.id;
      }
      entries.push({
        fault,
        ...(fault.path !== undefined && { pathRe: pathPattern(fault.path) }),
        rng: createRng((this.options.seed ^ hash(id)) >>> 0),
        matched: 0,
        applied: 0,
      });
    });
    if (issues.length > 0) return { ok: false, issues };
    this.#entries.push(...entries);
    return { ok: true, faults: entries.map(statusOf) };
  }

  /** Removes one fault; false when no fault has that id. */
  remove(id: string): boolean {
    const index = this.#entries.findIndex((e) => e.fault.id === id);
    if (index < 0) return false;
    this.#entries.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#entries.length = 0;
  }

  list(): FaultStatus[] {
    return this.#entries.map(statusOf);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The fault to apply to this request (or TCP connection, `route` undefined), counting matches and applications. */
  pick(route?: RouteInfo): Fault | undefined {
    for (const entry of this.#entries) {
      const f = entry.fault;
      if (route) {
        if (f.method !== undefined && f.method !== route.method) continue;
        if (entry.pathRe && !entry.pathRe.test(route.path)) continue;
        if (f.operation !== undefined && f.operation !== route.operation) continue;
      }
      entry.matched += 1;
      if (f.first !== undefined && entry.applied >= f.first) continue;
      if (f.rate < 1 && !(f.rate > 0 && entry.rng.next() < f.rate)) continue;
      entry.applied += 1;
      return f;
    }
    return undefined;
  }

  #nextId(type: string, taken: Set<string>): string {
    let id: string;
    do id = `${type}-${++this.#counter}`;
    while (taken.has(id));
    return id;
  }
}

function statusOf(e: Entry): FaultStatus {
  return {
    id: e.fault.id,
    definition: e.fault.definition,
    matched: e.matched,
    applied: e.applied,
    exhausted: e.fault.first !== undefined && e.applied >= e.fault.first,
  };
}
