import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../core/errors.js';
import { applyCommand } from '../ops/incident-engine.js';
import { type IncidentLinks, incidentLinks, LINK_ACTIONS, type LinkAction } from '../ops/links.js';
import type { ServiceContext } from '../types.js';
import { incidentDeps } from './incidents.js';

function page(title: string, body: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

/**
 * Signed links in notifications: GET shows what the link will do and a button (chat tools fetch links
 * to preview them, so a GET must never change anything); POST with the same signed query applies it,
 * recorded as "link:<action>" on the timeline. A forged, altered or expired link answers 403.
 */
export function registerLinkRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  if (!ctx.config.publicUrl) return;
  const links: IncidentLinks = incidentLinks(ctx.store, ctx.config.publicUrl, ctx.config.linkTtlMs, () =>
    ctx.now().getTime(),
  );
  const check = async (request: { params: unknown; query: unknown }) => {
    const { id, action } = request.params as { id: string; action: string };
    const { expires, signature } = request.query as { expires?: string; signature?: string };
    const known = (LINK_ACTIONS as readonly string[]).includes(action);
    const ok =
      known &&
      typeof signature === 'string' &&
      (await links.verify(id, action as LinkAction, Number(expires), signature));
    return ok ? { id, action: action as LinkAction } : undefined;
  };
  app.get('/links/incidents/:id/:action', async (request, reply) => {
    const link = await check(request);
    reply.type('text/html; charset=utf-8');
    if (!link) return reply.code(403).send(page('Link not valid', '<p>This link is altered or expired.</p>'));
    const incident = await ctx.store.incidents.get(link.id);
    if (!incident) return reply.code(404).send(page('Not found', '<p>No such incident.</p>'));
    const query = new URL(request.url, 'http://x').search;
    return reply.send(
      page(
        `${link.action === 'acknowledge' ? 'Acknowledge' : 'Resolve'}: ${incident.title}`,
        `<p>${incident.severity}, ${incident.status}.</p><form method="post" action="${query.replace(/"/g, '&quot;')}"><button type="submit">${link.action}</button></form>`,
      ),
    );
  });
  app.post('/links/incidents/:id/:action', async (request, reply) => {
    const link = await check(request);
    reply.type('text/html; charset=utf-8');
    if (!link) return reply.code(403).send(page('Link not valid', '<p>This link is altered or expired.</p>'));
    try {
      const by = 'link';
      const updated = await applyCommand(
        incidentDeps(ctx),
        link.id,
        link.action === 'acknowledge' ? { type: 'acknowledge', by } : { type: 'resolve', by },
        `link:${link.action}`,
      );
      return reply.send(page(`Incident ${updated.status}`, `<p>${updated.title}</p>`));
    } catch (error) {
      return reply.code(409).send(page('Not done', `<p>${errorMessage(error).replace(/[&<>]/g, '')}</p>`));
    }
  });
}
