import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { AuthFailureLimiter, authenticate } from './auth.js';
import { registerDashboard } from './dashboard.js';
import { ApiError, errorBody, statusOf } from './errors.js';
import { buildOpenApi } from './openapi.js';
import { fastifyPath, type Route } from './route.js';
import { ROUTES } from './routes/index.js';
import { registerLinkRoutes } from './routes/links.js';
import { registerOperationalRoutes } from './routes/operational.js';
import type { ServiceContext } from './types.js';
import { parsePart } from './validate.js';

export interface AppOptions {
  /** A pino logger (the serve command's); default: no logging. */
  logger?: FastifyBaseLogger;
  /** Honour X-Forwarded-For for client addresses (behind a load balancer). */
  trustProxy?: boolean;
  /** Routes to serve (default: all of them); tests pass extra ones. */
  routes?: readonly Route[];
}

/** The HTTP API: every route authenticated, authorised by role, validated by its zod schemas. */
export async function buildApp(ctx: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: ctx.config.bodyLimit,
    // Ids may be 128 characters (schemas/common.ts); Fastify's default (100) answered 414 before the
    // token was even checked.
    routerOptions: { maxParamLength: 512 },
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  });
  const routes = options.routes ?? ROUTES;
  // The service's clock (tests move it past the window).
  const limiter = new AuthFailureLimiter(ctx.config.authFailuresPerMinute, () => ctx.now().getTime());
  const openapi = buildOpenApi(routes, { version: ctx.config.version });

  app.setErrorHandler((error, request, reply) => {
    const ours = statusOf(error);
    const theirs = ours === undefined ? fastifyStatus(error) : undefined;
    const status = ours ?? theirs ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const body =
      theirs !== undefined
        ? { error: { code: fastifyCode(error), message: (error as Error).message } }
        : errorBody(error, status);
    const wait =
      error instanceof ApiError
        ? (error.details as { retryAfter?: number } | undefined)?.retryAfter
        : undefined;
    if (wait) void reply.header('retry-after', String(wait));
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'route.not-found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );

  app.get('/api/v1/openapi.json', async () => openapi);
  registerOperationalRoutes(app, ctx, limiter);
  registerLinkRoutes(app, ctx);
  registerDashboard(app);

  for (const r of routes) {
    app.route({
      method: r.method,
      url: `/api/v1${fastifyPath(r.path)}`,
      handler: async (request, reply) => {
        const principal = await authenticate(request, ctx.store, limiter);
        if (!r.roles.includes(principal.role)) {
          throw new ApiError(
            403,
            'auth.forbidden',
            `a ${principal.role} token may not ${r.summary.toLowerCase()}`,
          );
        }
        const call = {
          principal,
          params: parsePart(r.params, 'path', request.params),
          query: parsePart(r.query, 'query', request.query),
          body: parsePart(r.body, 'body', request.body),
          ctx,
          request,
          reply,
        };
        const result = await r.handle(call);
        if (r.streams) return reply;
        return send(reply, r, result);
      },
    });
  }
  return app;
}

function send(reply: FastifyReply, r: Route, result: unknown): FastifyReply {
  reply.code(r.response.status);
  if (!r.response.schema) return reply.send();
  // Shaping through the schema drops every field it does not declare: nothing internal leaks by accident.
  const shaped = r.response.schema.safeParse(result);
  if (!shaped.success) {
    throw new Error(`response of ${r.operationId} does not match its schema: ${shaped.error.message}`);
  }
  return reply.send(shaped.data);
}

function fastifyStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function fastifyCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request.too-large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'request.unsupported-media-type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'request.invalid-json';
    default:
      return typeof code === 'string' ? `request.${code.toLowerCase()}` : 'request.invalid';
  }
}
