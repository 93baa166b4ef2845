import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard talks to the API with a bearer token only (no cookies, so no CSRF) and renders every
 * value as text; the policy makes an injection that slipped through inert: no inline script or style,
 * no foreign origin, no framing.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // Revalidate every time (the ETag makes that cheap), so a new version is seen at once.
  'cache-control': 'no-cache',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The web/ folder: beside src/ when run from src/ (tsx) and from dist/ (built). */
export function dashboardDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

/**
 * Serves the dashboard (web/) at /; the page asks GET /api/v1/session who its token is (name, role,
 * partner) so it shows only the actions that role may take. Files are read once at start:
 * the set of routes is fixed, so no request path ever reaches the file system.
 */
export function registerDashboard(app: FastifyInstance, dir = dashboardDir()): void {
  const assets = existsSync(dir) ? loadAssets(dir) : new Map<string, Asset>();
  const index = assets.get('index.html');
  if (index)
    app.get('/', async (request, reply) => sendAsset(reply, index, request.headers['if-none-match']));
  for (const [path, asset] of assets) {
    app.get(`/${path}`, async (request, reply) => sendAsset(reply, asset, request.headers['if-none-match']));
  }
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(dir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(relative(dir, file).split(sep).join('/'), { body, type, etag });
  }
  return assets;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function sendAsset(reply: FastifyReply, asset: Asset, ifNoneMatch: string | undefined): FastifyReply {
  reply.headers(DASHBOARD_HEADERS).header('etag', asset.etag);
  if (ifNoneMatch === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}
