import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Gangway-Signature';

/** The signature header's value for `body` sent at `nowMs` (Stripe's scheme: the timestamp is signed too). */
export function signWebhook(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

/**
 * For receivers: whether `header` is a valid signature of the raw `body` with `secret`, made at most
 * `toleranceS` seconds from `nowMs` (either way). Several v1 values are accepted (any one matching),
 * so a sender may sign with an old and a new key while rotating. Compare the raw bytes received,
 * before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  nowMs: number,
  toleranceS = 300,
): boolean {
  if (header === undefined) return false;
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (t === undefined || signatures.length === 0) return false;
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  const payload = Buffer.concat([Buffer.from(`${t}.`), typeof body === 'string' ? Buffer.from(body) : body]);
  const expected = Buffer.from(hmac(secret, payload), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

function hmac(secret: string, payload: string | Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
