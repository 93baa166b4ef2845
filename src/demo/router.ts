import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFaults, readStats, writeFaults } from './admin.js';
import type { Handler, RouteContext, SandboxRuntime } from './context.js';
import { SLOW_DELAY_MS } from './faults.js';
import { json, problem, type Reply, readBody, sendReply } from './http-io.js';
import {
  createPayment,
  createRefund,
  driftPayment,
  getPayment,
  listPayments,
  listRefunds,
} from './payments.js';

type Group = 'payments' | 'health' | 'token' | 'admin';

interface Operation {
  /** operationId in the spec, or an admin name. */
  id: string;
  handler: Handler;
  /** Scope the bearer token needs (payments group only). */
  scope?: 'payments:read' | 'payments:write';
}

interface Route {
  pattern: RegExp;
  group: Group;
  methods: Record<string, Operation>;
}

const getHealth: Handler = (rt) => {
  const body = { version: rt.version, time: new Date(rt.now()).toISOString() };
  if (rt.faults.has('erroring')) {
    rt.stats.faultsInjected += 1;
    return json(503, { status: 'unavailable', ...body }, { 'Retry-After': '5', 'Cache-Control': 'no-store' });
  }
  return json(200, { status: 'ok', ...body }, { 'Cache-Control': 'no-store' });
};

const getToken: Handler = (rt, ctx) => {
  if (rt.faults.has('auth-broken')) {
    rt.stats.faultsInjected += 1;
    return problem(500, 'auth_unavailable', 'The authorization server failed', 'Try again later.');
  }
  return rt.issuer.issue(ctx.req, ctx.body);
};

const ROUTES: Route[] = [
  { pattern: /^\/health$/, group: 'health', methods: { GET: { id: 'getHealth', handler: getHealth } } },
  { pattern: /^\/oauth\/token$/, group: 'token', methods: { POST: { id: 'getToken', handler: getToken } } },
  {
    pattern: /^\/payments$/,
    group: 'payments',
    methods: {
      GET: { id: 'listPayments', handler: listPayments, scope: 'payments:read' },
      POST: { id: 'createPayment', handler: createPayment, scope: 'payments:write' },
    },
  },
  {
    pattern: /^\/payments\/(?<id>[^/]+)$/,
    group: 'payments',
    methods: { GET: { id: 'getPayment', handler: getPayment, scope: 'payments:read' } },
  },
  {
    pattern: /^\/payments\/(?<id>[^/]+)\/refunds$/,
    group: 'payments',
    methods: {
      GET: { id: 'listRefunds', handler: listRefunds, scope: 'payments:read' },
      POST: { id: 'createRefund', handler: createRefund, scope: 'payments:write' },
    },
  },
  {
    pattern: /^\/__admin\/faults$/,
    group: 'admin',
    methods: { GET: { id: 'admin', handler: readFaults }, POST: { id: 'admin', handler: writeFaults } },
  },
  { pattern: /^\/__admin\/stats$/, group: 'admin', methods: { GET: { id: 'admin', handler: readStats } } },
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function decodeParams(groups: Record<string, string> | undefined): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [name, raw] of Object.entries(groups ?? {})) {
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** Builds the request listener shared by the HTTP and HTTPS listeners of one sandbox. */
export function createRouter(rt: SandboxRuntime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    handle(rt, req).then(
      ({ reply, operation }) => {
        rt.stats.requests += 1;
        count(rt.stats.byOperation, operation);
        count(rt.stats.byStatus, String(reply.status));
        sendReply(req, res, reply, requestId);
      },
      () => {
        // A bug here must not take the sandbox down: answer 500 like a real API would.
        sendReply(req, res, problem(500, 'internal_error', 'Internal server error'), requestId);
      },
    );
  };
}

async function handle(
  rt: SandboxRuntime,
  req: IncomingMessage,
): Promise<{ reply: Reply; operation: string }> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  let match: RegExpExecArray | null = null;
  const route = ROUTES.find((r) => {
    match = r.pattern.exec(url.pathname);
    return match !== null;
  });
  const params = route ? decodeParams((match as RegExpExecArray | null)?.groups) : undefined;
  if (!route || !params) {
    req.resume();
    const reply = problem(404, 'not_found', 'Not found', `There is no resource at ${url.pathname}.`);
    return { reply, operation: 'unmatched' };
  }
  const op = route.methods[method];
  if (!op) {
    req.resume();
    const allow = Object.keys(route.methods).join(', ');
    const reply = problem(
      405,
      'method_not_allowed',
      'Method not allowed',
      `${url.pathname} allows ${allow}.`,
      {
        headers: { Allow: allow },
      },
    );
    return { reply, operation: route.group === 'admin' ? 'admin' : 'unmatched' };
  }

  const slow = route.group !== 'admin' && route.group !== 'token' && rt.faults.has('slow');
  let paused = false;
  const pause = async (): Promise<void> => {
    if (!slow || paused) return;
    paused = true;
    rt.stats.faultsInjected += 1;
    await rt.sleep(SLOW_DELAY_MS);
  };

  let reply = await dispatch(rt, req, url, route, op, params, pause);
  await pause();
  if (reply.shape && rt.faults.has('schema-drift')) {
    rt.stats.faultsInjected += 1;
    reply = drift(reply);
  }
  return { reply, operation: op.id };
}

async function dispatch(
  rt: SandboxRuntime,
  req: IncomingMessage,
  url: URL,
  route: Route,
  op: Operation,
  params: Record<string, string>,
  pause: () => Promise<void>,
): Promise<Reply> {
  if (route.group === 'payments') {
    if (rt.faults.failsPaymentsRequest()) {
      req.resume();
      rt.stats.faultsInjected += 1;
      return problem(
        500,
        'internal_error',
        'Internal server error',
        'The request failed; it is safe to retry.',
      );
    }
    const auth = rt.issuer.verify(req, op.scope!, rt.faults.has('auth-broken'));
    if (!auth.ok) {
      req.resume();
      if (rt.faults.has('auth-broken')) rt.stats.faultsInjected += 1;
      return auth.reply;
    }
    const limited = rt.limiter.take(auth.token);
    if (!limited.ok) {
      req.resume();
      rt.stats.rateLimited += 1;
      const s = limited.retryAfterSeconds;
      return problem(
        429,
        'rate_limited',
        'Too many requests',
        `The rate limit for this access token was exceeded; retry after ${s} second${s === 1 ? '' : 's'}.`,
        { headers: { 'Retry-After': String(s) } },
      );
    }
  }
  let body = '';
  if (req.method === 'POST') {
    const read = await readBody(req, rt.maxBodyBytes);
    if (!read.ok) return read.reply;
    body = read.text;
  } else {
    req.resume();
  }
  const ctx: RouteContext = { req, url, params, body, pause };
  return op.handler(rt, ctx);
}

function drift(reply: Reply): Reply {
  if (reply.shape === 'payment') {
    return { ...reply, body: driftPayment(reply.body as Record<string, unknown>) };
  }
  const list = reply.body as { data: Record<string, unknown>[]; next_cursor: string | null };
  return { ...reply, body: { ...list, data: list.data.map(driftPayment) } };
}
