import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/index.js';

/** What a signed link may do to an incident (the view link needs no signature: the page asks for a token). */
export type LinkAction = 'acknowledge' | 'resolve';
export const LINK_ACTIONS: readonly LinkAction[] = ['acknowledge', 'resolve'];

/** The links a notification carries for one incident. */
export interface IncidentLinks {
  forIncident(
    incidentId: string,
  ): Promise<{ view: string; acknowledge: string; resolve: string; runbook?: string }>;
  /** The incident id and action a signed token allows, or undefined when it is forged, altered or expired. */
  verify(incidentId: string, action: LinkAction, expires: number, signature: string): Promise<boolean>;
}

const KEY_SCOPE = 'gangway';
const KEY_NAME = 'incident-link-key';

/**
 * Signed incident links: HMAC-SHA256 over (incident, action, expiry) with a key kept encrypted in the
 * store (made on first use, shared by every process). A link grants that one action on that one
 * incident until it expires; it is the bearer's proof, so links last only as long as `ttlMs`.
 */
export function incidentLinks(
  store: Store,
  publicUrl: string,
  ttlMs: number,
  now: () => number,
): IncidentLinks {
  let key: Promise<Buffer> | undefined;
  const getKey = () => {
    key ??= (async () => {
      const existing = await store.secrets.get(KEY_SCOPE, KEY_NAME);
      if (existing) return Buffer.from(existing, 'base64');
      const made = randomBytes(32).toString('base64');
      await store.secrets.put(KEY_SCOPE, KEY_NAME, made, { actor: 'gangway' });
      // Two processes racing: the last write wins; read back so both sign with the stored key.
      return Buffer.from((await store.secrets.get(KEY_SCOPE, KEY_NAME)) ?? made, 'base64');
    })();
    key.catch(() => {
      key = undefined;
    });
    return key;
  };
  const sign = async (id: string, action: LinkAction, expires: number) =>
    createHmac('sha256', await getKey())
      .update(`${id}\0${action}\0${expires}`)
      .digest('base64url');
  const base = publicUrl.replace(/\/+$/, '');
  const link = async (id: string, action: LinkAction, expires: number) =>
    `${base}/links/incidents/${encodeURIComponent(id)}/${action}?expires=${expires}&signature=${await sign(id, action, expires)}`;
  return {
    async forIncident(id) {
      const expires = Math.floor((now() + ttlMs) / 1000);
      return {
        view: `${base}/#/incidents/${encodeURIComponent(id)}`,
        acknowledge: await link(id, 'acknowledge', expires),
        resolve: await link(id, 'resolve', expires),
      };
    },
    async verify(id, action, expires, signature) {
      if (!Number.isFinite(expires) || expires * 1000 < now()) return false;
      const expected = Buffer.from(await sign(id, action, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
