/** Forged variants of a JSON Web Token that a server must refuse. Nothing here can sign: forging is the point. */

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The header and claims of a token when it is a JWT, else undefined. */
export function parseJwt(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown>; signature: string } | undefined {
  if (!JWT.test(token)) return undefined;
  const [h, c, signature] = token.split('.') as [string, string, string];
  const header = decode(h);
  const claims = decode(c);
  if (!header || !claims || typeof header.alg !== 'string') return undefined;
  return { header, claims, signature };
}

/** The same claims with `alg: none` and no signature: accepted means signatures are not verified. */
export function unsignedCopy(token: string): string | undefined {
  const jwt = parseJwt(token);
  if (!jwt) return undefined;
  return `${encode({ ...jwt.header, alg: 'none' })}.${encode(jwt.claims)}.`;
}

/**
 * The same claims expired an hour ago (iat and nbf moved before it), with the original signature, which
 * no longer matches: accepted means neither expiry nor signature is checked.
 */
export function expiredCopy(token: string, nowMs: number): string | undefined {
  const jwt = parseJwt(token);
  if (!jwt) return undefined;
  const now = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = { ...jwt.claims, exp: now - 3600 };
  if ('iat' in claims) claims.iat = now - 7200;
  if ('nbf' in claims) claims.nbf = now - 7200;
  const [h] = token.split('.') as [string];
  return `${h}.${encode(claims)}.${jwt.signature}`;
}
