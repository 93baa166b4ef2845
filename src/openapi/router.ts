import type { Operation } from './types.js';

interface Terminal {
  operation: Operation;
  /** Names of the captured values, in capture order. */
  names: string[];
  /**
   * What the path key says after its path, when several operations share one (AWS specs converted by
   * aws2openapi, as in APIs.guru): "?Action=RunInstances" wants that query value, "#analyzerArn" (or
   * "?analyzerArn") that query parameter present. Empty for an ordinary path.
   */
  query: readonly (readonly [string, string | undefined])[];
}

interface Node {
  literal: Map<string, Node>;
  /** Segments mixing text and parameters ("{name}.{ext}", "v{version}"), tried after literals. */
  mixed: { regex: RegExp; names: string[]; node: Node }[];
  /** A whole-segment parameter ("{id}"), tried last. */
  param?: Node;
  /** Operations ending here, by upper-case method (more than one only when their keys say which). */
  methods: Map<string, Terminal[]>;
}

const newNode = (): Node => ({ literal: new Map(), mixed: [], methods: new Map() });
const WHOLE_PARAM = /^\{([^{}]+)\}$/;

/**
 * Matches concrete paths to path templates. Precompiled into a segment tree: literal segments
 * are preferred over templated ones (/users/me before /users/{id}), with backtracking when the
 * more specific branch has no operation for the method.
 */
export class Router {
  private readonly root = newNode();

  constructor(operations: readonly Operation[]) {
    for (const op of operations) this.add(op);
  }

  private add(op: Operation): void {
    let node = this.root;
    const names: string[] = [];
    const cut = op.path.search(/[?#]/);
    const template = cut === -1 ? op.path : op.path.slice(0, cut);
    const query = cut === -1 ? [] : keyConditions(op.path.slice(cut + 1));
    for (const segment of splitPath(template)) {
      const whole = WHOLE_PARAM.exec(segment);
      if (whole) {
        names.push(whole[1] as string);
        node.param ??= newNode();
        node = node.param;
      } else if (segment.includes('{')) {
        const segNames: string[] = [];
        const source = segment.replace(
          /\{([^{}]+)\}|([^{]+)/g,
          (_m, name: string | undefined, text: string | undefined) => {
            if (name !== undefined) {
              segNames.push(name);
              return '([^/]+?)';
            }
            return (text ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          },
        );
        const key = `^${source}$`;
        let entry = node.mixed.find((m) => m.regex.source === key);
        if (!entry) {
          entry = { regex: new RegExp(key), names: segNames, node: newNode() };
          node.mixed.push(entry);
        }
        names.push(...segNames);
        node = entry.node;
      } else {
        let next = node.literal.get(segment);
        if (!next) {
          next = newNode();
          node.literal.set(segment, next);
        }
        node = next;
      }
    }
    const terminals = node.methods.get(op.method) ?? [];
    // Two keys with nothing after the path would be the same operation: the first one stays.
    if (query.length > 0 || !terminals.some((t) => t.query.length === 0)) {
      terminals.push({ operation: op, names, query });
      // The most specific first: a condition on a value ("operation=search") before one on presence
      // ("x-amz-chime-bearer", which a header the other operations send too may meet), then the most
      // conditions; an operation that asks for nothing comes last.
      terminals.sort((a, b) => valued(b) - valued(a) || b.query.length - a.query.length);
    }
    node.methods.set(op.method, terminals);
  }

  /**
   * Matches a concrete path for a method. The query string only chooses between operations whose path
   * keys share a path and name their query ("/?Action=RunInstances"); it is otherwise ignored. A
   * condition behind "#" may be met by a request header of that name instead: AWS's JSON protocol
   * names an operation by its X-Amz-Target header ("/#X-Amz-Target=DynamoDB_20120810.GetItem").
   */
  match(
    method: string,
    path: string,
    headers?: RequestHeaders,
  ): { operation: Operation; pathParams: Record<string, string> } | undefined {
    let clean = path;
    let search = '';
    const h = clean.indexOf('#');
    if (h !== -1) clean = clean.slice(0, h);
    const q = clean.indexOf('?');
    if (q !== -1) {
      search = clean.slice(q + 1);
      clean = clean.slice(0, q);
    }
    const segments = splitPath(clean);
    const upper = method.toUpperCase();
    const query = conditionsOf(search, headers);
    let found = this.walk(this.root, segments, 0, upper, [], query);
    if (!found && segments.length > 0 && segments[segments.length - 1] === '') {
      // tolerate a trailing slash
      found = this.walk(this.root, segments.slice(0, -1), 0, upper, [], query);
    }
    if (!found) return undefined;
    const pathParams: Record<string, string> = {};
    const names = found.terminal.names;
    for (let i = 0; i < names.length; i++) pathParams[names[i] as string] = decode(found.values[i] ?? '');
    return { operation: found.terminal.operation, pathParams };
  }

  /** Depth-first: literal, then mixed, then parameter; `values` is a shared capture stack. */
  private walk(
    node: Node,
    segments: readonly string[],
    index: number,
    method: string,
    values: string[],
    query: Conditions,
  ): { terminal: Terminal; values: string[] } | undefined {
    if (index === segments.length) {
      const terminal = chooseByQuery(node.methods.get(method), query);
      return terminal ? { terminal, values: values.slice() } : undefined;
    }
    const segment = segments[index] as string;
    const literal = node.literal.get(segment);
    if (literal) {
      const found = this.walk(literal, segments, index + 1, method, values, query);
      if (found) return found;
    }
    for (const mixed of node.mixed) {
      const m = mixed.regex.exec(segment);
      if (!m) continue;
      const depth = values.length;
      for (let i = 1; i < m.length; i++) values.push(m[i] as string);
      const found = this.walk(mixed.node, segments, index + 1, method, values, query);
      if (found) return found;
      values.length = depth;
    }
    if (node.param && segment !== '') {
      values.push(segment);
      const found = this.walk(node.param, segments, index + 1, method, values, query);
      if (found) return found;
      values.pop();
    }
    return undefined;
  }
}

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What an operation's query conditions are checked against: the query string, then the headers. */
interface Conditions {
  has(name: string): boolean;
  get(name: string): string | null;
}

const EMPTY = new URLSearchParams();

function conditionsOf(search: string, headers: RequestHeaders | undefined): Conditions {
  const query = search === '' ? EMPTY : new URLSearchParams(search);
  if (headers === undefined) return query;
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    return value === undefined ? null : typeof value === 'string' ? value : (value[0] ?? null);
  };
  return {
    has: (name) => query.has(name) || header(name) !== null,
    get: (name) => query.get(name) ?? header(name),
  };
}

function valued(terminal: Terminal): number {
  return terminal.query.filter(([, value]) => value !== undefined).length;
}

/**
 * The conditions a path key writes after "?" or "#": "Action=RunInstances&Version=2016-11-15" or
 * "analyzerArn&resourceArn" — names with the value wanted, if any.
 */
export function keyConditions(text: string): [string, string | undefined][] {
  return text
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? [decode(part), undefined] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

/**
 * The operation a query names among those sharing a path and method: the first (most specific) whose
 * conditions the query meets, else the one asking for nothing, else the first (a request that names
 * none of them is still about this path).
 */
function chooseByQuery(terminals: readonly Terminal[] | undefined, query: Conditions): Terminal | undefined {
  if (terminals === undefined || terminals.length === 0) return undefined;
  if (terminals.length === 1) return terminals[0];
  const met = terminals.find(
    (t) =>
      t.query.length > 0 &&
      t.query.every(([name, value]) => (value === undefined ? query.has(name) : query.get(name) === value)),
  );
  return met ?? terminals.find((t) => t.query.length === 0) ?? terminals[0];
}

function splitPath(path: string): string[] {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  return trimmed === '' ? [] : trimmed.split('/');
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Turns a request path into the path match() expects: relative to the base path of the first
 * server whose path prefixes it (servers "https://api.example.com/v2" and "/v2" both strip "/v2").
 * Returns the path unchanged when no server base applies.
 */
export function stripServerBase(servers: readonly string[], path: string): string {
  let best = '';
  for (const server of servers) {
    let base: string;
    try {
      base = new URL(server, 'http://relative.invalid').pathname;
    } catch {
      continue;
    }
    base = base.replace(/\/+$/, '');
    if (
      base.length > best.length &&
      (path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}?`))
    ) {
      best = base;
    }
  }
  const rest = path.slice(best.length);
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
}
