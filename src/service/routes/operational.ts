import type { FastifyInstance } from 'fastify';
import { type AuthFailureLimiter, authenticate } from '../auth.js';
import { ApiError } from '../errors.js';
import { opsFigures } from '../ops/ops-figures.js';
import { prometheusText } from '../prometheus.js';
import { STAFF } from '../route.js';
import type { ServiceContext } from '../types.js';

/**
 * Probes and scraping, outside /api/v1: /healthz (the process is alive; no auth, says nothing else),
 * /readyz (the database answers; no auth), /metrics (Prometheus text; a staff token as bearer).
 */
export function registerOperationalRoutes(
  app: FastifyInstance,
  ctx: ServiceContext,
  limiter: AuthFailureLimiter,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({
        status: 'unavailable',
        error: { code: 'store.unavailable', message: 'the database does not answer' },
      });
    }
  });
  app.get('/metrics', async (request, reply) => {
    const principal = await authenticate(request, ctx.store, limiter);
    if (!STAFF.includes(principal.role))
      throw new ApiError(403, 'auth.forbidden', 'metrics span every partner');
    const [metrics, ops] = await Promise.all([ctx.store.metrics(), opsFigures(ctx)]);
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(prometheusText(metrics, { up: 1, ops }));
  });
}
