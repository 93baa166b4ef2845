import { GangwayError, InputError } from '../../core/errors.js';
import type { Finding } from '../../core/result.js';
import type { HttpRequest, ResolvedAuth } from '../../http/types.js';
import type { Operation } from '../../openapi/types.js';
import { type AuthProbe, authProbes, judgeProbe } from '../contract/auth-probe.js';
import type { OtherEnvironment } from '../kind.js';
import { expiredCopy, unsignedCopy } from './jwt.js';
import { credentialValues, type SecuritySession, type Sent } from './session.js';

/** A probe and the code its finding takes when the target accepts it. */
interface Probe extends AuthProbe {
  accepted: string;
}

/** The answer of an authenticated baseline request that the probes vary: accepted, on a secured operation. */
export function securedAccepted(session: SecuritySession): Sent[] {
  const anySecurity = session.spec.operations.some((op) => op.security.length > 0);
  const hasCredentials = session.env.auth.type !== 'none';
  return session.baseline.filter(
    (s) =>
      s.response.status >= 200 &&
      s.response.status < 300 &&
      (s.op.security.length > 0 || (!anySecurity && hasCredentials)),
  );
}

/**
 * Each accepted request of a secured operation again with no credential, a wrong one, a malformed one, a
 * forged JWT (unsigned, expired) and the revoked credentials of the environments named: each must be
 * refused with 401/403. When no credential at all is accepted, the other variants are not sent.
 */
export async function probeAuth(session: SecuritySession, revoked: readonly string[]): Promise<void> {
  const targets = securedAccepted(session);
  if (targets.length === 0) return;
  const probes = probesFor(session, session.env.auth);
  const others = await revokedEnvironments(session, revoked);
  for (const [i, { op, request }] of targets.entries()) {
    if (session.signal.aborted) return;
    session.ctx.progress(`auth ${op.id}`, i, targets.length);
    let open = false;
    for (const [n, probe] of probes.entries()) {
      const res = await session.send(op, probe.request(request));
      if (!res) continue;
      const finding = judged(op, probe, judgeProbe(op, probe, res));
      if (finding) session.add(finding, res);
      // Accepted without any credential: the other variants can only repeat it.
      open = n === 0 && finding?.code === 'auth.not-enforced';
      if (open) break;
    }
    if (open) continue;
    for (const [name, other] of others) {
      const probe: Probe = {
        label: `the revoked or expired credential of environment "${name}"`,
        accepted: 'auth.revoked-accepted',
        request: (r) => r,
      };
      const res = await session.send(op, { ...request, auth: true }, other.http);
      if (!res) continue;
      const finding = judged(op, probe, judgeProbe(op, probe, res));
      if (finding) session.add(finding, res);
    }
  }
}

/** Renames the contract's "accepted" finding after the probe, so each kind of weakness has its own code. */
function judged(op: Operation, probe: Probe, finding: Finding | undefined): Finding | undefined {
  if (finding?.code !== 'auth.not-enforced') return finding;
  if (probe.accepted === 'auth.not-enforced') return finding;
  return {
    ...finding,
    code: probe.accepted,
    message: `${op.id} accepted a request with ${probe.label} (${finding.actual})`,
    hint: HINTS[probe.accepted] ?? finding.hint,
  };
}

const HINTS: Record<string, string> = {
  'auth.invalid-accepted': 'Verify every credential against the issuer; a made-up one must be refused.',
  'auth.malformed-accepted':
    'Parse and validate the credential before anything else; a malformed one must be refused.',
  'auth.jwt-unsigned-accepted':
    'Verify JWT signatures with an allow-list of algorithms; never accept alg "none".',
  'auth.jwt-expired-accepted': 'Check the exp claim (and the signature) of every JWT.',
  'auth.revoked-accepted':
    'Check revocation and expiry on every request (introspection, a deny-list, short lifetimes).',
};

function probesFor(session: SecuritySession, auth: ResolvedAuth): Probe[] {
  const [none, wrong] = authProbes(auth, session.env.headerNames);
  if (!none || !wrong) return [];
  const probes: Probe[] = [
    { ...none, accepted: 'auth.not-enforced' },
    { ...wrong, accepted: 'auth.invalid-accepted' },
  ];
  const malformed = malformedHeaders(auth);
  if (malformed) {
    probes.push({
      label: 'a malformed credential',
      accepted: 'auth.malformed-accepted',
      request: (r) => ({ ...wrong.request(r), ...malformed(wrong.request(r)) }),
    });
  }
  const token = auth.type === 'bearer' ? auth.token : session.ctx.http.auth.tokenInfo()?.accessToken;
  if (token === undefined) return probes;
  const forged: [string, string, string | undefined][] = [
    ['an unsigned JWT (alg "none") with the same claims', 'auth.jwt-unsigned-accepted', unsignedCopy(token)],
    [
      'an expired copy of the JWT (exp an hour ago)',
      'auth.jwt-expired-accepted',
      expiredCopy(token, session.ctx.now().getTime()),
    ],
  ];
  for (const [label, accepted, value] of forged) {
    if (value === undefined) continue;
    // Derived from the real token: as secret as it in evidence.
    session.ctx.redactor.addSecret(value);
    session.addSecret(value);
    probes.push({
      label,
      accepted,
      request: (r) => ({ ...r, auth: false, headers: { ...r.headers, authorization: `Bearer ${value}` } }),
    });
  }
  return probes;
}

/** Replaces the credential with one that cannot parse (bad scheme syntax, characters a token never has). */
function malformedHeaders(auth: ResolvedAuth): ((r: HttpRequest) => Partial<HttpRequest>) | undefined {
  const junk = 'gangway%%malformed"<>';
  switch (auth.type) {
    case 'bearer':
    case 'oauth2-client-credentials':
      return (r) => ({ headers: { ...r.headers, authorization: `Bearer ${junk} ${junk}` } });
    case 'basic':
      return (r) => ({ headers: { ...r.headers, authorization: `Basic ${junk}` } });
    case 'api-key':
      if (auth.in === 'header') return (r) => ({ headers: { ...r.headers, [auth.name]: junk } });
      if (auth.in === 'query') return (r) => ({ query: { ...r.query, [auth.name]: junk } });
      return (r) => ({ headers: { ...r.headers, cookie: `${auth.name}=${junk}` } });
    case 'none':
      return undefined;
  }
}

/** The environments holding revoked or expired credentials, prepared by the runner. */
async function revokedEnvironments(
  session: SecuritySession,
  names: readonly string[],
): Promise<[string, OtherEnvironment][]> {
  if (names.length === 0) return [];
  const factory = session.ctx.otherEnvironment;
  if (!factory) {
    throw new GangwayError(
      'check.unavailable',
      'revoked names playbook environments: run it with gangway run',
    );
  }
  const out: [string, OtherEnvironment][] = [];
  for (const name of names) {
    const other = await otherEnvironment(factory, name, 'revoked');
    for (const value of credentialValues(other.environment.auth)) session.addSecret(value);
    out.push([name, other]);
  }
  return out;
}

/** Another environment by name; an unknown name is a mistake in the options, reported as such. */
export async function otherEnvironment(
  factory: (name: string) => Promise<OtherEnvironment>,
  name: string,
  option: string,
): Promise<OtherEnvironment> {
  try {
    return await factory(name);
  } catch (error) {
    if (error instanceof InputError) {
      throw new GangwayError('check.bad-option', `${option}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
