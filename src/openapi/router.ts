import type { Operation } from './types.js';

interface Terminal {
  operation: Operation;
  /** Names of the captured values, in capture order. */
  names: string[];
}

interface Node {
  literal: Map<string, Node>;
  /** Segments mixing text and parameters ("{name}.{ext}", "v{version}"), tried after literals. */
  mixed: { regex: RegExp; names: string[]; node: Node }[];
  /** A whole-segment parameter ("{id}"), tried last. */
  param?: Node;
  /** Operations ending here, by upper-case method. */
  methods: Map<string, Terminal>;
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
    for (const segment of splitPath(op.path)) {
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
    if (!node.methods.has(op.method)) node.methods.set(op.method, { operation: op, names });
  }

  /** Matches a concrete path (query string ignored) for a method. */
  match(
    method: string,
    path: string,
  ): { operation: Operation; pathParams: Record<string, string> } | undefined {
    let clean = path;
    const q = path.indexOf('?');
    if (q !== -1) clean = path.slice(0, q);
    const h = clean.indexOf('#');
    if (h !== -1) clean = clean.slice(0, h);
    const segments = splitPath(clean);
    const upper = method.toUpperCase();
    let found = this.walk(this.root, segments, 0, upper, []);
    if (!found && segments.length > 0 && segments[segments.length - 1] === '') {
      found = this.walk(this.root, segments.slice(0, -1), 0, upper, []); // tolerate a trailing slash
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
  ): { terminal: Terminal; values: string[] } | undefined {
    if (index === segments.length) {
      const terminal = node.methods.get(method);
      return terminal ? { terminal, values: values.slice() } : undefined;
    }
    const segment = segments[index] as string;
    const literal = node.literal.get(segment);
    if (literal) {
      const found = this.walk(literal, segments, index + 1, method, values);
      if (found) return found;
    }
    for (const mixed of node.mixed) {
      const m = mixed.regex.exec(segment);
      if (!m) continue;
      const depth = values.length;
      for (let i = 1; i < m.length; i++) values.push(m[i] as string);
      const found = this.walk(mixed.node, segments, index + 1, method, values);
      if (found) return found;
      values.length = depth;
    }
    if (node.param && segment !== '') {
      values.push(segment);
      const found = this.walk(node.param, segments, index + 1, method, values);
      if (found) return found;
      values.pop();
    }
    return undefined;
  }
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
